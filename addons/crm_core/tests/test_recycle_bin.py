"""The recycle bin (issue 13, G14), as ordinary users over RPC: a rep's delete moves
a customer or a lead to the bin, hidden from everyone; managers restore it with its
messages and activities, or purge it; reps can do neither; the daily job purges
after the retention; other teams and companies do not see the entry."""
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import SavepointCase

from .common import CrmTestMixin

# deleting customers needs Odoo's "Contact Creation" right, as without the bin
SALESMAN = ["base.group_user", "sales_team.group_sale_salesman",
            "base.group_partner_manager"]


def days_ago(days):
    return fields.Datetime.to_string(datetime.utcnow() - timedelta(days=days))


class RecycleCase(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(RecycleCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.team = cls.env["crm.team"].create({"name": "Recycle Team"})
        cls.other_team = cls.env["crm.team"].create({"name": "Recycle Other Team"})
        cls.rep = cls.new_user("recycle_rep", SALESMAN, sale_team_id=cls.team.id,
                               lang="en_US")
        cls.rep2 = cls.new_user("recycle_rep2", SALESMAN,
                                sale_team_id=cls.other_team.id, lang="en_US")
        cls.manager = cls.new_user(
            "recycle_manager", ["base.group_user", "sales_team.group_sale_manager"],
            lang="en_US")
        cls.other_company = cls.env["res.company"].create(
            {"name": "Recycle Other Company"})
        cls.foreign_manager = cls.new_user(
            "recycle_foreign_manager",
            ["base.group_user", "sales_team.group_sale_manager"],
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)])
        cls.customer = cls.env["res.partner"].create({
            "name": "Recycle Customer Co", "customer": True, "is_company": True,
            "user_id": cls.rep.id, "team_id": cls.team.id})
        cls.lead = cls.env["crm.lead"].create({
            "name": "Recycle Deal", "type": "opportunity", "user_id": cls.rep.id,
            "team_id": cls.team.id, "partner_id": cls.customer.id})
        cls.env["ir.config_parameter"].set_param(
            "crm_core.recycle_retention_days", "30")

    def entries(self, records, user=None):
        Bin = self.env["crm.recycle.bin"]
        if user:
            Bin = Bin.sudo(user)
        return Bin.search([("res_model", "=", records._name),
                           ("res_id", "in", records.ids)])

    def gone_for(self, user, records, name):
        """``records`` are hidden from ``user`` through every door."""
        model = records._name
        ids = records.ids
        self.assertFalse(self.rpc(user, model, "search", [("id", "in", ids)]))
        self.assertFalse(self.rpc(user, model, "search", [("id", "in", ids)],
                                  context={"active_test": False}))
        self.assertEqual(self.rpc(user, model, "search_count",
                                  [("id", "in", ids)]), 0)
        groups = self.rpc(user, model, "read_group", [("id", "in", ids)],
                          ["id"], [])
        self.assertFalse(groups and groups[0].get("__count"))
        self.assertNotIn(records.id, [
            row[0] for row in self.rpc(user, model, "name_search", name)])
        with self.assertRaises(AccessError):
            self.rpc(user, model, "read", ids, ["name"])


class TestRecycleDelete(RecycleCase):

    def test_a_reps_deleted_lead_is_gone_for_everyone_and_in_the_bin(self):
        self.assertTrue(self.rpc(self.rep, "crm.lead", "unlink", self.lead.ids))
        for user in (self.rep, self.rep2, self.manager):
            self.gone_for(user, self.lead, "Recycle Deal")
        # for the superuser's code too (crons), and in the customer's lists
        self.assertFalse(self.env["crm.lead"].with_context(active_test=False)
                         .search([("id", "=", self.lead.id)]))
        self.assertNotIn(self.lead, self.customer.sudo(self.rep).opportunity_ids)
        self.assertTrue(self.lead.exists(), "kept for the restore")
        rows = self.rpc(self.rep, "crm.recycle.bin", "search_read",
                        [("res_id", "=", self.lead.id)],
                        ["name", "res_model", "deleted_by_id", "deleted_at",
                         "user_id", "purge_date"])
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows[0]["name"], rows[0]["res_model"]),
                         ("Recycle Deal", "crm.lead"))
        self.assertEqual(rows[0]["deleted_by_id"][0], self.rep.id)
        self.assertEqual(rows[0]["user_id"][0], self.rep.id)
        deleted_at = fields.Datetime.from_string(rows[0]["deleted_at"])
        self.assertLess(abs((deleted_at - datetime.utcnow()).total_seconds()), 300)
        self.assertEqual(
            fields.Datetime.from_string(rows[0]["purge_date"]) - deleted_at,
            timedelta(days=30))

    def test_a_reps_deleted_customer_is_gone_with_its_contacts(self):
        contact = self.env["res.partner"].create(
            {"name": "Recycle Contact", "parent_id": self.customer.id})
        self.rpc(self.rep, "res.partner", "unlink", self.customer.ids)
        for user in (self.rep, self.manager):
            self.gone_for(user, self.customer, "Recycle Customer")
            self.gone_for(user, contact, "Recycle Contact")
        entry = self.entries(self.customer, self.manager)
        self.assertEqual((entry.deleted_by_id, entry.related_count), (self.rep, 1))
        self.assertFalse(self.entries(contact))
        self.rpc(self.manager, "crm.recycle.bin", "action_restore", entry.ids)
        both = self.rpc(self.rep, "res.partner", "search",
                        [("id", "in", (self.customer | contact).ids)])
        self.assertEqual(sorted(both), sorted((self.customer | contact).ids))
        self.assertTrue(self.customer.active)

    def test_deleting_what_one_may_not_is_still_refused(self):
        # another team's rep cannot see the customer, so cannot delete it
        with self.assertRaises(AccessError):
            self.rpc(self.rep2, "res.partner", "unlink", self.customer.ids)
        with self.assertRaises(AccessError):
            self.rpc(self.rep2, "crm.lead", "unlink", self.lead.ids)
        # what the database refuses is refused now, not at the purge: a customer
        # with an order
        self.env["sale.order"].create({"partner_id": self.customer.id})
        with self.assertRaises(UserError):
            self.rpc(self.rep, "res.partner", "unlink", self.customer.ids)
        self.assertFalse(self.customer.crm_deleted_at)
        self.assertFalse(self.entries(self.customer))
        self.assertFalse(self.entries(self.lead))

    def test_deleted_marks_are_the_workflows(self):
        with self.assertRaises(AccessError):
            self.rpc(self.rep, "crm.lead", "write", self.lead.ids,
                     {"crm_deleted_at": days_ago(1)})
        self.rpc(self.rep, "crm.lead", "unlink", self.lead.ids)
        # a client cannot ask to see deleted records
        self.assertFalse(self.rpc(
            self.rep, "crm.lead", "search", [("id", "=", self.lead.id)],
            context={"crm_recycle_show_deleted": True, "active_test": False}))
        entry = self.entries(self.lead)
        for user in (self.rep, self.manager):
            with self.assertRaises(AccessError):
                self.rpc(user, "crm.recycle.bin", "create", {
                    "name": "Forged", "res_model": "crm.lead", "res_id": 1,
                    "deleted_by_id": user.id, "deleted_at": days_ago(0),
                    "company_id": user.company_id.id})
            with self.assertRaises(AccessError):
                self.rpc(user, "crm.recycle.bin", "write", entry.ids,
                         {"deleted_by_id": self.rep2.id})
        self.assertEqual(entry.deleted_by_id, self.rep)

    def test_the_superuser_deletes_for_real(self):
        lead = self.env["crm.lead"].create({"name": "Recycle Real Delete"})
        lead.unlink()
        self.assertFalse(lead.exists())
        self.assertFalse(self.entries(lead))


class TestRecycleRestore(RecycleCase):

    def _schedule(self):
        return self.env["mail.activity"].create({
            "res_model_id": self.env.ref("crm.model_crm_lead").id,
            "res_id": self.lead.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            "summary": "Call back about the quote",
            "date_deadline": "2031-03-04",
            "user_id": self.rep.id,
        })

    def test_manager_restores_the_lead_with_its_messages_and_activities(self):
        self.lead.message_post(body="Customer asked for a discount")
        self._schedule()
        messages = self.lead.message_ids
        self.assertTrue(messages)
        self.rpc(self.rep, "crm.lead", "unlink", self.lead.ids)
        Activity = self.env["mail.activity"]
        self.assertFalse(Activity.search([("res_model", "=", "crm.lead"),
                                          ("res_id", "=", self.lead.id)]),
                         "a deleted lead's activities are not due")
        entry = self.entries(self.lead)
        self.rpc(self.manager, "crm.recycle.bin", "action_restore", entry.ids)
        self.assertFalse(entry.exists())
        self.assertEqual(self.rpc(self.rep, "crm.lead", "read", self.lead.ids,
                                  ["name"])[0]["name"], "Recycle Deal")
        self.lead.invalidate_cache()
        self.assertTrue(self.lead.active)
        self.assertFalse(self.lead.crm_deleted_at)
        self.assertLess(messages, self.lead.message_ids)
        self.assertIn("Restored from the recycle bin",
                      self.lead.message_ids[0].body)
        activity = self.lead.activity_ids
        self.assertEqual(
            (activity.summary, activity.user_id, activity.date_deadline),
            ("Call back about the quote", self.rep, "2031-03-04"))
        self.assertIn(self.lead, self.env["crm.lead"].sudo(self.rep).search(
            [("activity_user_id", "=", self.rep.id)]))

    def test_a_lost_lead_comes_back_lost(self):
        self.lead.write({"active": False, "probability": 0})
        self.rpc(self.rep, "crm.lead", "unlink", self.lead.ids)
        self.rpc(self.manager, "crm.recycle.bin", "action_restore",
                 self.entries(self.lead).ids)
        self.assertFalse(self.lead.active)
        self.assertIn(self.lead, self.env["crm.lead"].sudo(self.rep).with_context(
            active_test=False).search([("id", "=", self.lead.id)]))

    def test_rep_cannot_restore_or_purge(self):
        self.rpc(self.rep, "crm.lead", "unlink", self.lead.ids)
        entry = self.entries(self.lead)
        for method in ("action_restore", "action_purge", "unlink"):
            with self.assertRaises(AccessError, msg=method):
                self.rpc(self.rep, "crm.recycle.bin", method, entry.ids)
        self.assertTrue(entry.exists())
        self.assertTrue(self.lead.crm_deleted_at)

    def test_a_service_manager_does_not_restore_leads(self):
        service_manager = self.new_user(
            "recycle_service_manager", ["crm_core.group_service_manager"])
        self.rpc(self.rep, "crm.lead", "unlink", self.lead.ids)
        entry = self.entries(self.lead)
        self.assertFalse(self.entries(self.lead, service_manager))
        with self.assertRaises(AccessError):
            self.rpc(service_manager, "crm.recycle.bin", "action_restore", entry.ids)


class TestRecyclePurge(RecycleCase):

    def test_manager_purges_by_hand(self):
        self.lead.message_post(body="Soon gone")
        self.rpc(self.rep, "crm.lead", "unlink", self.lead.ids)
        entry = self.entries(self.lead)
        self.rpc(self.manager, "crm.recycle.bin", "unlink", entry.ids)
        self.assertFalse(entry.exists())
        self.assertFalse(self.lead.exists())
        self.assertFalse(self.env["mail.message"].search(
            [("model", "=", "crm.lead"), ("res_id", "=", self.lead.id)]))

    def test_the_job_purges_only_entries_past_the_retention(self):
        old = self.env["crm.lead"].create({"name": "Recycle Old Deal",
                                           "user_id": self.rep.id})
        self.rpc(self.rep, "crm.lead", "unlink", (old | self.lead).ids)
        self.entries(old).write({"deleted_at": days_ago(31)})
        self.entries(self.lead).write({"deleted_at": days_ago(29)})
        self.env["crm.recycle.bin"]._cron_purge()
        self.assertFalse(old.exists())
        self.assertFalse(self.entries(old))
        self.assertTrue(self.lead.exists())
        self.assertTrue(self.entries(self.lead))
        # 0: kept until a manager purges
        self.env["ir.config_parameter"].set_param(
            "crm_core.recycle_retention_days", "0")
        self.entries(self.lead).write({"deleted_at": days_ago(400)})
        self.env["crm.recycle.bin"]._cron_purge()
        self.assertTrue(self.lead.exists())


class TestRecycleVisibility(RecycleCase):

    def test_other_teams_and_companies_do_not_see_the_entry(self):
        self.rpc(self.rep, "crm.lead", "unlink", self.lead.ids)
        entry = self.entries(self.lead)
        self.assertEqual(self.entries(self.lead, self.rep), entry)
        self.assertEqual(self.entries(self.lead, self.manager), entry)
        for user in (self.rep2, self.foreign_manager):
            self.assertFalse(self.entries(self.lead, user), user.login)
            with self.assertRaises(AccessError):
                self.rpc(user, "crm.recycle.bin", "read", entry.ids, ["name"])
        with self.assertRaises(AccessError):
            self.rpc(self.foreign_manager, "crm.recycle.bin", "action_restore",
                     entry.ids)
