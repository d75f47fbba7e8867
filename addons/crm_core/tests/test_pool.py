"""The open pool (公海): claim rules, release, assignment, recycling with its
exclusions and warnings, distribution and its audit trail."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import SavepointCase

from .common import CrmTestMixin


def days_ago(days):
    return fields.Datetime.to_string(
        fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days))


class PoolCase(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(PoolCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_notrack=True, lang="en_US"))
        cls.team = cls.env["crm.team"].create({"name": "Pool Team"})
        cls.other_team = cls.env["crm.team"].create({"name": "Other Team"})
        salesman = ["base.group_user", "sales_team.group_sale_salesman"]
        cls.rep1 = cls.new_user("pool_rep1", salesman, sale_team_id=cls.team.id)
        cls.rep2 = cls.new_user("pool_rep2", salesman, sale_team_id=cls.team.id)
        cls.rep3 = cls.new_user("pool_rep3", salesman, sale_team_id=cls.other_team.id)
        cls.leader = cls.new_user(
            "pool_leader", ["base.group_user", "crm_core.group_sale_team_leader"],
            sale_team_id=cls.team.id)
        cls.team.user_id = cls.leader
        cls.pool = cls.env["crm.pool"].create({
            "name": "Test Pool",
            "team_ids": [(6, 0, cls.team.ids)],
            "max_owned": 3,
            "max_claims_per_day": 2,
            "reclaim_cooldown_days": 10,
            "protect_new_days": 5,
            "recycle_no_followup_days": 30,
            "recycle_warn_days": 3,
        })
        cls.reason = cls.env.ref("crm_core.dictionary_release_reason_no_need")

    @classmethod
    def customer(cls, name, owner=None, **vals):
        values = {"name": name, "customer": True, "is_company": True,
                  "pool_id": cls.pool.id}
        if owner:
            values["user_id"] = owner.id
        values.update(vals)
        return cls.env["res.partner"].create(values)

    def claim(self, partners, user):
        return partners.sudo(user).action_pool_claim()

    def release(self, partners, user):
        wizard = self.env["res.partner.pool.release"].sudo(user).with_context(
            active_ids=partners.ids).create({"reason_id": self.reason.id})
        return wizard.action_release()


class TestClaim(PoolCase):

    def test_new_customer_without_owner_waits_in_the_pool(self):
        partner = self.customer("Waiting Co")
        self.assertEqual(partner.pool_state, "pool")
        self.assertTrue(partner.customer_code)
        self.assertTrue(partner.date_pooled)

    def test_rep_claims_a_pool_customer(self):
        partner = self.customer("Claim Co")
        self.claim(partner, self.rep1)
        self.assertEqual(partner.user_id, self.rep1)
        self.assertEqual(partner.pool_state, "owned")
        self.assertEqual(partner.team_id, self.team)
        log = partner.pool_log_ids
        self.assertEqual(log.mapped("action"), ["claim"])
        self.assertEqual(log.owner_id, self.rep1)
        self.assertEqual(log.user_id, self.rep1)

    def test_an_owned_customer_cannot_be_claimed(self):
        partner = self.customer("Owned Co", owner=self.rep1)
        with self.assertRaisesRegex(UserError, "Already claimed"):
            self.claim(partner, self.rep2)
        self.assertEqual(partner.user_id, self.rep1)

    def test_only_members_of_the_pool_teams_claim(self):
        partner = self.customer("Members Only Co")
        with self.assertRaisesRegex(UserError, "not a member"):
            self.claim(partner, self.rep3)
        self.assertEqual(partner.pool_state, "pool")

    def test_max_owned_holds(self):
        for index in range(3):
            self.customer("Owned %d" % index, owner=self.rep1)
        partner = self.customer("One Too Many")
        with self.assertRaisesRegex(UserError, "at most 3 customers"):
            self.claim(partner, self.rep1)
        self.assertEqual(partner.pool_state, "pool")

    def test_daily_claims_are_capped(self):
        first = self.customer("Day 1")
        second = self.customer("Day 2")
        third = self.customer("Day 3")
        self.claim(first | second, self.rep1)
        with self.assertRaisesRegex(UserError, "at most 2 customers a day"):
            self.claim(third, self.rep1)
        self.claim(third, self.rep2)
        self.assertEqual(third.user_id, self.rep2)

    def test_previous_owner_waits_for_the_cooldown(self):
        partner = self.customer("Cooldown Co", owner=self.rep1)
        self.release(partner, self.rep1)
        with self.assertRaisesRegex(UserError, "less than 10 days ago"):
            self.claim(partner, self.rep1)
        self.claim(partner, self.rep2)
        self.assertEqual(partner.user_id, self.rep2)

    def test_cooldown_ends(self):
        partner = self.customer("Old Release Co", owner=self.rep1)
        self.release(partner, self.rep1)
        partner.write({"date_pooled": days_ago(11)})
        self.claim(partner, self.rep1)
        self.assertEqual(partner.user_id, self.rep1)


class TestReleaseAndAssign(PoolCase):

    def test_owner_releases_with_a_reason(self):
        partner = self.customer("Release Co", owner=self.rep1)
        self.release(partner, self.rep1)
        self.assertEqual(partner.pool_state, "pool")
        self.assertFalse(partner.user_id)
        self.assertEqual(partner.previous_owner_id, self.rep1)
        log = partner.pool_log_ids.filtered(lambda log: log.action == "release")
        self.assertEqual(log.previous_owner_id, self.rep1)
        self.assertIn(self.reason.name, log.reason)

    def test_others_cannot_release_my_customer(self):
        partner = self.customer("Not Yours Co", owner=self.rep1)
        with self.assertRaises((UserError, AccessError)):
            self.release(partner, self.rep2)
        self.assertEqual(partner.user_id, self.rep1)

    def test_team_leader_reassigns_and_history_stays(self):
        partner = self.customer("Handover Co", owner=self.rep1)
        wizard = self.env["res.partner.pool.assign"].sudo(self.leader).with_context(
            active_ids=partner.ids).create({"user_id": self.rep2.id,
                                            "reason": "rep1 leaves"})
        wizard.action_assign()
        self.assertEqual(partner.user_id, self.rep2)
        log = partner.pool_log_ids.filtered(lambda log: log.action == "assign")
        self.assertEqual((log.owner_id, log.previous_owner_id), (self.rep2, self.rep1))
        self.assertEqual(log.reason, "rep1 leaves")

    def test_rep_cannot_assign(self):
        partner = self.customer("Assign Co")
        wizard = self.env["res.partner.pool.assign"].sudo(self.rep1).with_context(
            active_ids=partner.ids).create({"user_id": self.rep1.id, "reason": "me"})
        with self.assertRaises(AccessError):
            wizard.action_assign()
        self.assertEqual(partner.pool_state, "pool")


class TestRecycle(PoolCase):

    def neglected(self, name, owner=None, days=40, warned=True, **vals):
        """An owned customer without follow-up for ``days``; ``warned``: its owner
        got the recycling warning 4 days ago (the pool warns 3 days ahead)."""
        partner = self.customer(name, owner=owner or self.rep1, **vals)
        partner.write({"date_owned": days_ago(days)})
        if warned:
            self.env["crm.pool.log"]._log_many([{
                "partner_id": partner.id, "pool_id": self.pool.id, "action": "warn",
                "owner_id": partner.user_id.id, "previous_owner_id": None,
                "reason": "test"}])
            self.env.cr.execute(
                "UPDATE crm_pool_log SET date = %s WHERE partner_id = %s",
                (days_ago(4), partner.id))
        return partner

    def test_customer_without_follow_up_returns_to_the_pool(self):
        partner = self.neglected("Neglected Co")
        recycled = self.pool._recycle()
        self.assertEqual(recycled, partner)
        self.assertEqual(partner.pool_state, "pool")
        self.assertEqual(partner.previous_owner_id, self.rep1)
        self.assertEqual(partner.pool_log_ids[0].action, "recycle")

    def test_nobody_loses_a_customer_unwarned(self):
        partner = self.neglected("Unwarned Co", warned=False)
        self.assertFalse(self.pool._recycle())
        self.assertEqual(self.pool._recycle_warn(), partner)
        self.assertFalse(self.pool._recycle(), "warned today: recycled in 3 days")
        self.assertEqual(partner.user_id, self.rep1)

    def test_recent_follow_up_keeps_the_customer(self):
        partner = self.neglected("Followed Co")
        self.env["crm.followup"].sudo(self.rep1).create({
            "partner_id": partner.id,
            "channel_id": self.env.ref("crm_core.dictionary_followup_channel_phone").id,
            "summary": "Called about the new catalogue",
        })
        self.assertFalse(self.pool._recycle())
        self.assertEqual(partner.pool_state, "owned")

    def test_new_owner_is_protected(self):
        """Its last follow-up (by the previous owner) is old, but the new owner got
        it 3 days ago: the pool protects new owners for 5 days."""
        partner = self.neglected("Protected Co", days=3)
        partner.write({"last_followup_date": days_ago(40)})
        self.env.cr.execute("UPDATE crm_pool_log SET date = %s WHERE partner_id = %s",
                            (days_ago(1), partner.id))
        self.assertFalse(self.pool._recycle())
        self.assertEqual(partner.user_id, self.rep1)

    def test_open_quotation_prevents_recycling(self):
        partner = self.neglected("Quoted Co")
        product = self.env["product.product"].create({"name": "Pump", "list_price": 10})
        self.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
        })
        self.assertFalse(self.pool._recycle())
        self.assertEqual(partner.pool_state, "owned")

    def test_unpaid_invoice_prevents_recycling(self):
        partner = self.neglected("Owes Us Co")
        revenue = self.env.ref("account.data_account_type_revenue")
        account = self.env["account.account"].search(
            [("user_type_id", "=", revenue.id)], limit=1)
        invoice = self.env["account.invoice"].create({
            "partner_id": partner.id,
            "type": "out_invoice",
            "invoice_line_ids": [(0, 0, {"name": "Service", "quantity": 1,
                                         "price_unit": 100, "account_id": account.id})],
        })
        invoice.action_invoice_open()
        self.assertEqual(invoice.state, "open")
        self.assertFalse(self.pool._recycle())
        self.assertEqual(partner.pool_state, "owned")

    def test_owner_is_warned_once_before_recycling(self):
        partner = self.neglected("Soon Co", days=28, warned=False)
        warned = self.pool._recycle_warn()
        self.assertEqual(warned, partner)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)])
        self.assertEqual(activities.user_id, self.rep1)
        self.assertFalse(self.pool._recycle_warn(), "a second run warns nobody again")
        self.assertFalse(self.pool._recycle(), "not due yet")

    def test_cron_is_safe_to_run_twice(self):
        partner = self.neglected("Twice Co")
        self.env["crm.pool"]._cron_recycle()
        self.env["crm.pool"]._cron_recycle()
        logs = partner.pool_log_ids.filtered(lambda log: log.action == "recycle")
        self.assertEqual(len(logs), 1)


class TestDistribution(PoolCase):

    def test_fair_random_spreads_evenly_within_capacity(self):
        self.pool.write({"distribution_mode": "fair_random", "max_owned": 4,
                         "distribution_seed": 7})
        members = self.pool._claimers()
        waiting = self.env["res.partner"]
        for index in range(4 * len(members) + 2):
            waiting |= self.customer("Waiting %d" % index)
        self.pool.action_distribute()
        loads = {u: self.env["res.partner"].search_count(
            [("user_id", "=", u.id), ("pool_id", "=", self.pool.id)]) for u in members}
        self.assertEqual(set(loads.values()), {4})
        self.assertEqual(len(waiting.filtered(lambda p: p.pool_state == "pool")), 2)
        logs = self.env["crm.pool.log"].search(
            [("pool_id", "=", self.pool.id), ("action", "=", "distribute")])
        self.assertEqual(len(logs), 4 * len(members))
        self.assertTrue(all("seed 7" in log.reason for log in logs))
        self.assertEqual(self.pool.allocation_gini, 0.0)

    def test_round_robin_continues_where_it_stopped(self):
        self.pool.write({"distribution_mode": "round_robin", "max_owned": 0})
        members = self.pool._claimers().sorted("id")
        self.customer("RR 1")
        self.pool.action_distribute()
        first = self.pool.last_assigned_user_id
        self.customer("RR 2")
        self.pool.action_distribute()
        second = self.pool.last_assigned_user_id
        ids = members.ids
        self.assertEqual(ids.index(second.id), (ids.index(first.id) + 1) % len(ids))

    def test_manual_pools_are_not_distributed(self):
        with self.assertRaisesRegex(UserError, "manual claim"):
            self.pool.action_distribute()

    def test_gini_shows_unequal_claims(self):
        members = self.pool._claimers()
        self.assertEqual(len(members), 3)
        first, second = self.customer("Gini 1"), self.customer("Gini 2")
        self.claim(first | second, self.rep1)
        self.pool.invalidate_cache()
        self.assertAlmostEqual(self.pool.allocation_gini, 2.0 / 3, places=3)

    def test_fairness_report_measures_time_to_first_touch(self):
        partner = self.customer("Touch Co")
        self.claim(partner, self.rep1)
        self.env.cr.execute(
            "UPDATE crm_pool_log SET date = %s WHERE partner_id = %s",
            ("2026-01-01 08:00:00", partner.id))
        phone = self.env.ref("crm_core.dictionary_followup_channel_phone")
        self.env["crm.followup"].create({
            "partner_id": partner.id, "user_id": self.rep1.id,
            "date": "2026-01-01 14:00:00", "summary": "First call",
            "channel_id": phone.id})
        line = self.env["crm.pool.fairness.report"].search(
            [("partner_id", "=", partner.id)])
        self.assertEqual((line.owner_id, line.touched), (self.rep1, 1))
        self.assertAlmostEqual(line.hours_to_first_touch, 6.0)
        manager = self.new_user("fair_manager", ["base.group_user",
                                                 "sales_team.group_sale_manager"])
        groups = self.env["crm.pool.fairness.report"].sudo(manager).read_group(
            [("pool_id", "=", self.pool.id)], ["owner_id", "hours_to_first_touch"],
            ["owner_id"])
        self.assertEqual(groups[0]["hours_to_first_touch"], 6.0)
