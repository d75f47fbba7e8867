"""Data scopes on customers, contacts, follow-ups, leads and orders, as ordinary
users (admin bypasses every rule): each allow and each deny."""
from odoo.exceptions import AccessError

from .test_pool import PoolCase


class TestCustomerScopes(PoolCase):

    @classmethod
    def setUpClass(cls):
        super(TestCustomerScopes, cls).setUpClass()
        cls.manager = cls.new_user(
            "scope_manager", ["base.group_user", "sales_team.group_sale_manager"])
        cls.service = cls.new_user(
            "scope_service", ["base.group_user", "crm_core.group_service_agent"])
        cls.mine = cls.customer("Mine Co", owner=cls.rep1, team_id=cls.team.id)
        cls.mine_contact = cls.env["res.partner"].create(
            {"name": "Mine Contact", "parent_id": cls.mine.id, "customer": True})
        cls.colleague = cls.customer("Colleague Co", owner=cls.rep2,
                                     team_id=cls.team.id)
        cls.elsewhere = cls.customer("Elsewhere Co", owner=cls.rep3,
                                     team_id=cls.other_team.id)
        cls.waiting = cls.customer("Waiting Co")
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Vendor Co", "customer": False, "supplier": True})
        cls.all = cls.mine | cls.mine_contact | cls.colleague | cls.elsewhere \
            | cls.waiting | cls.vendor

    def visible(self, user):
        return self.env["res.partner"].sudo(user).search([("id", "in", self.all.ids)])

    def test_rep_sees_own_pool_and_non_customers(self):
        self.assertEqual(self.visible(self.rep1),
                         self.mine | self.mine_contact | self.waiting | self.vendor)

    def test_rep_does_not_see_a_colleagues_customer(self):
        with self.assertRaises(AccessError):
            self.colleague.sudo(self.rep1).read(["name"])

    def test_pool_customers_are_read_only_until_claimed(self):
        with self.assertRaises(AccessError):
            self.waiting.sudo(self.rep1).write({"phone": "123"})
        self.mine.sudo(self.rep1).write({"phone": "+86 21 1234 5678"})
        self.mine_contact.sudo(self.rep1).write({"function": "Buyer"})

    def test_share_for_reading(self):
        self.env["crm.customer.share"].sudo(self.rep2).create(
            {"partner_id": self.colleague.id, "user_id": self.rep1.id})
        self.assertIn(self.colleague, self.visible(self.rep1))
        with self.assertRaises(AccessError):
            self.colleague.sudo(self.rep1).write({"phone": "123"})

    def test_share_for_editing_and_its_end(self):
        share = self.env["crm.customer.share"].sudo(self.rep2).create(
            {"partner_id": self.colleague.id, "user_id": self.rep1.id,
             "access": "write", "date_expiry": "2000-01-01"})
        self.colleague.sudo(self.rep1).write({"phone": "+86 10 1111 2222"})
        self.env["crm.customer.share"]._cron_expire()
        self.assertFalse(share.active)
        self.assertNotIn(self.colleague, self.visible(self.rep1))

    def test_only_the_owner_shares(self):
        with self.assertRaises(AccessError):
            self.env["crm.customer.share"].sudo(self.rep1).create(
                {"partner_id": self.colleague.id, "user_id": self.rep1.id})

    def test_team_leader_sees_the_team(self):
        visible = self.visible(self.leader)
        self.assertIn(self.mine, visible)
        self.assertIn(self.colleague, visible)
        self.assertNotIn(self.elsewhere, visible)
        self.colleague.sudo(self.leader).write({"phone": "+86 21 9999 0000"})

    def test_manager_sees_all(self):
        self.assertEqual(self.visible(self.manager), self.all)

    def test_service_agent_is_not_scoped(self):
        self.assertEqual(self.visible(self.service), self.all)

    def test_followups_follow_the_scope(self):
        channel = self.env.ref("crm_core.dictionary_followup_channel_visit")
        Followup = self.env["crm.followup"]
        own = Followup.sudo(self.rep1).create(
            {"partner_id": self.mine.id, "channel_id": channel.id, "summary": "Visit"})
        other = Followup.sudo(self.rep3).create(
            {"partner_id": self.elsewhere.id, "channel_id": channel.id,
             "summary": "Visit"})
        by_admin = Followup.create(
            {"partner_id": self.colleague.id, "user_id": self.rep2.id,
             "channel_id": channel.id, "summary": "Logged for rep2"})
        self.assertEqual(by_admin.team_id, self.team, "the salesperson's team")
        domain = [("id", "in", (own | other | by_admin).ids)]
        self.assertEqual(Followup.sudo(self.rep1).search(domain), own)
        self.assertEqual(Followup.sudo(self.leader).search(domain), own | by_admin)
        self.assertEqual(Followup.sudo(self.manager).search(domain),
                         own | other | by_admin)

    def test_team_leader_sees_team_leads_not_others(self):
        Lead = self.env["crm.lead"]
        team_lead = Lead.create({"name": "Team deal", "user_id": self.rep2.id,
                                 "team_id": self.team.id})
        other_lead = Lead.create({"name": "Other deal", "user_id": self.rep3.id,
                                  "team_id": self.other_team.id})
        domain = [("id", "in", (team_lead | other_lead).ids)]
        self.assertEqual(Lead.sudo(self.leader).search(domain), team_lead)
        self.assertFalse(Lead.sudo(self.rep1).search(domain))

    def test_why_can_i_see_this_matches_the_rules(self):
        """For every user and record: an explanation exists exactly when the record
        rules let the user read the record, and it names the reason."""
        self.env["crm.customer.share"].sudo(self.rep2).create(
            {"partner_id": self.colleague.id, "user_id": self.rep1.id})
        for user in (self.rep1, self.rep2, self.rep3, self.leader, self.manager,
                     self.service):
            visible = self.visible(user)
            for partner in self.all:
                with self.subTest(user=user.login, partner=partner.name):
                    reasons = partner._explain_access(user)
                    self.assertEqual(bool(reasons), partner in visible, reasons)
        self.assertIn("You own this customer.", self.mine._explain_access(self.rep1))
        self.assertTrue(any("shared it with you" in r
                            for r in self.colleague._explain_access(self.rep1)))
        self.assertTrue(any("pool" in r
                            for r in self.waiting._explain_access(self.rep1)))
        self.assertTrue(any("your sales team" in r
                            for r in self.colleague._explain_access(self.leader)))

    def test_why_can_i_see_this_dialog(self):
        action = self.mine.sudo(self.rep1).action_explain_access()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertIn("You own this customer.", wizard.explanation)

    def test_a_rep_adds_a_contact_to_their_customer(self):
        contact = self.env["res.partner"].sudo(self.rep1).create(
            {"name": "New Buyer", "parent_id": self.mine.id})
        self.assertEqual(contact.scope_user_id, self.rep1)
        self.mine.sudo(self.rep1).write(
            {"child_ids": [(0, 0, {"name": "Another Buyer"})]})
        self.assertIn("Another Buyer", self.mine.child_ids.mapped("name"))
        with self.assertRaises(AccessError):
            self.env["res.partner"].sudo(self.rep1).create(
                {"name": "Intruder", "parent_id": self.colleague.id})
        with self.assertRaises(AccessError):
            self.env["res.partner"].sudo(self.rep1).create(
                {"name": "Pool Intruder", "parent_id": self.waiting.id})

    def test_a_colleague_with_a_share_for_editing_adds_a_contact(self):
        self.env["crm.customer.share"].sudo(self.rep2).create(
            {"partner_id": self.colleague.id, "user_id": self.rep1.id,
             "access": "write"})
        contact = self.env["res.partner"].sudo(self.rep1).create(
            {"name": "Shared Buyer", "parent_id": self.colleague.id})
        self.assertEqual(contact.scope_user_id, self.rep2)
        self.assertIn(self.rep1, contact.shared_write_user_ids)
