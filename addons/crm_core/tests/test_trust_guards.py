"""The attacks of issue 13 on customers, leads, follow-ups, consent and invoices,
made the way a client makes them (``rpc``: the dispatch of the web client, XML-RPC
and JSON-RPC) by ordinary users; each is refused and changes nothing."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .sales_fixtures import SalesCase
from .test_pool import PoolCase


def in_days(days):
    return fields.Datetime.to_string(
        fields.Datetime.from_string(fields.Datetime.now()) + timedelta(days=days))


class TestCustomerTakeover(PoolCase):

    @classmethod
    def setUpClass(cls):
        super(TestCustomerTakeover, cls).setUpClass()
        cls.service_agent = cls.new_user("trust_service_agent",
                                         ["crm_core.group_service_agent"])
        cls.call_agent = cls.new_user("trust_call_agent",
                                      ["crm_core.group_callcenter_agent"])
        cls.owned = cls.customer("Trust Owned Co", owner=cls.rep1)

    def snapshot(self, partner):
        return partner.read(["user_id", "team_id", "pool_id", "pool_state",
                             "date_owned", "date_pooled", "active", "customer"])

    def test_agents_cannot_take_over_archive_or_delete_customers(self):
        before = self.snapshot(self.owned)
        for agent in (self.service_agent, self.call_agent):
            for vals in ({"user_id": agent.id}, {"pool_id": False},
                         {"pool_state": "pool"}, {"date_owned": in_days(9999)},
                         {"active": False}, {"customer": False},
                         {"team_id": self.other_team.id}):
                with self.assertRaises(AccessError, msg="%s %s" % (agent.login,
                                                                   vals)):
                    self.rpc(agent, "res.partner", "write", self.owned.ids, vals)
            with self.assertRaises(AccessError):
                self.rpc(agent, "res.partner", "unlink", self.owned.ids)
            with self.assertRaises(AccessError):
                self.rpc(agent, "res.partner", "toggle_active", self.owned.ids)
        self.assertEqual(self.snapshot(self.owned), before)
        # what they may do: correct the contact data of a customer they see
        self.rpc(self.service_agent, "res.partner", "write", self.owned.ids,
                 {"phone": "+86 21 5555 0101"})
        self.assertEqual(self.owned.phone, "+86 21 5555 0101")

    def test_a_rep_cannot_forge_pool_dates_or_a_silent_release(self):
        before = self.snapshot(self.owned)
        for vals in ({"date_owned": in_days(9999)}, {"pool_state": "pool"},
                     {"date_pooled": in_days(1)}, {"user_id": self.rep2.id},
                     {"pool_id": False}):
            with self.assertRaises(AccessError, msg=str(vals)):
                self.rpc(self.rep1, "res.partner", "write", self.owned.ids, vals)
        self.assertEqual(self.snapshot(self.owned), before)

    def test_a_rep_owns_the_customers_they_create_and_no_others(self):
        partner_id = self.rpc(self.rep1, "res.partner", "create",
                              {"name": "Trust New Co", "customer": True,
                               "is_company": True, "user_id": self.rep1.id})
        partner = self.env["res.partner"].browse(partner_id)
        self.assertEqual((partner.user_id, partner.pool_state),
                         (self.rep1, "owned"))
        with self.assertRaises(AccessError):
            self.rpc(self.rep1, "res.partner", "create",
                     {"name": "Trust Gift Co", "customer": True,
                      "user_id": self.rep2.id})
        with self.assertRaises(AccessError):
            self.rpc(self.rep1, "res.partner", "create",
                     {"name": "Trust Dated Co", "customer": True,
                      "date_owned": in_days(9999)})
        self.assertFalse(self.env["res.partner"].search(
            [("name", "in", ("Trust Gift Co", "Trust Dated Co"))]))
        # a default_ key in the context is no way round it
        partner_id = self.rpc(self.rep1, "res.partner", "create",
                              {"name": "Trust Context Co", "customer": True},
                              context={"default_date_owned": in_days(9999),
                                       "default_user_id": self.rep2.id})
        partner = self.env["res.partner"].browse(partner_id)
        self.assertEqual(partner.user_id, self.rep1)
        self.assertLess(partner.date_owned, in_days(1))

    def test_the_team_leader_assigns(self):
        self.rpc(self.leader, "res.partner", "write", self.owned.ids,
                 {"user_id": self.rep2.id})
        self.assertEqual(self.owned.user_id, self.rep2)

    def test_system_partners_are_not_pool_customers(self):
        public = self.env.ref("base.public_partner")
        public.write({"customer": True, "pool_id": self.pool.id,
                      "pool_state": "pool"})
        with self.assertRaises(UserError):
            self.claim(public, self.rep1)
        self.assertFalse(public.user_id)
        colleague = self.rep2.partner_id
        colleague.write({"customer": True, "pool_id": self.pool.id,
                         "pool_state": "pool"})
        with self.assertRaises(UserError):
            self.claim(colleague, self.rep1)


class TestFollowupAndConsent(PoolCase):

    @classmethod
    def setUpClass(cls):
        super(TestFollowupAndConsent, cls).setUpClass()
        cls.mine = cls.customer("Trust Mine Co", owner=cls.rep1)
        cls.theirs = cls.customer("Trust Theirs Co", owner=cls.rep3)
        cls.channel = cls.env["crm.dictionary.item"].search(
            [("dictionary_code", "=", "followup_channel")], limit=1)

    def followup_vals(self, **vals):
        return dict({"partner_id": self.mine.id, "channel_id": self.channel.id,
                     "summary": "Called about the offer"}, **vals)

    def test_a_followup_is_the_reps_own_and_dated_when_it_happened(self):
        Followup = self.env["crm.followup"]
        count = Followup.search_count([])
        for vals in (self.followup_vals(date=in_days(400)),
                     self.followup_vals(user_id=self.rep2.id),
                     self.followup_vals(partner_id=self.theirs.id)):
            with self.assertRaises(AccessError, msg=str(vals)):
                self.rpc(self.rep1, "crm.followup", "create", vals)
        self.assertEqual(Followup.search_count([]), count)
        followup_id = self.rpc(self.rep1, "crm.followup", "create",
                               self.followup_vals(date=fields.Datetime.now()))
        # and it stays on the rep's own customers
        with self.assertRaises(AccessError):
            self.rpc(self.rep1, "crm.followup", "write", [followup_id],
                     {"partner_id": self.theirs.id})
        with self.assertRaises(AccessError):
            self.rpc(self.rep1, "crm.followup", "write", [followup_id],
                     {"date": in_days(30)})
        self.assertEqual(Followup.browse(followup_id).partner_id, self.mine)

    def test_consent_is_recorded_by_its_author_when_it_happened(self):
        Consent = self.env["crm.consent"]
        count = Consent.search_count([])
        base = {"partner_id": self.mine.id, "channel": "sms",
                "purpose": "marketing", "status": "opt_in"}
        for vals in (dict(base, date=in_days(30)), dict(base, user_id=self.rep2.id)):
            with self.assertRaises(AccessError, msg=str(vals)):
                self.rpc(self.rep1, "crm.consent", "create", vals)
        self.assertEqual(Consent.search_count([]), count)
        consent = Consent.browse(self.rpc(self.rep1, "crm.consent", "create", base))
        self.assertEqual(consent.user_id, self.rep1)


class TestLeadAssignment(PoolCase):

    def test_a_rep_cannot_hand_a_lead_over_or_archive_it(self):
        lead = self.env["crm.lead"].create({"name": "Trust Lead",
                                            "user_id": self.rep1.id,
                                            "team_id": self.team.id})
        for vals in ({"user_id": self.rep3.id}, {"team_id": self.other_team.id},
                     {"active": False},
                     {"lost_reason": self.env["crm.lost.reason"].create(
                         {"name": "Trust forged reason"}).id}):
            with self.assertRaises(AccessError, msg=str(vals)):
                self.rpc(self.rep1, "crm.lead", "write", lead.ids, vals)
        self.assertEqual((lead.user_id, lead.active), (self.rep1, True))
        self.rpc(self.leader, "crm.lead", "write", lead.ids, {"user_id": self.rep2.id})
        self.assertEqual(lead.user_id, self.rep2)


class TestInvoiceScope(SalesCase):

    @classmethod
    def setUpClass(cls):
        super(TestInvoiceScope, cls).setUpClass()
        cls.accountant = cls.new_user(
            "trust_accountant", ["base.group_user", "account.group_account_invoice"])
        cls.inv1 = cls.invoice(cls.rep1, cls.team_a, "2026-11-02",
                               [(cls.lathe, 1, 100.0, False)])
        cls.inv3 = cls.invoice(cls.rep3, cls.team_b, "2026-11-02",
                               [(cls.lathe, 2, 100.0, False)])
        cls.draft3 = cls.invoice(cls.rep3, cls.team_b, "2026-11-03",
                                 [(cls.lathe, 3, 100.0, False)], post=False)

    def test_a_rep_sees_only_the_invoices_of_their_scope(self):
        Invoice = self.env["account.invoice"]
        ids = self.rpc(self.rep1, "account.invoice", "search",
                       [("id", "in", (self.inv1 | self.inv3).ids)])
        self.assertEqual(ids, self.inv1.ids)
        lines = self.rpc(self.rep1, "account.invoice.line", "search_read",
                         [("invoice_id", "in", (self.inv1 | self.inv3).ids)],
                         ["invoice_id"])
        self.assertEqual({line["invoice_id"][0] for line in lines}, set(self.inv1.ids))
        groups = self.rpc(self.rep1, "account.invoice", "read_group",
                          [("id", "in", (self.inv1 | self.inv3).ids)],
                          ["amount_total"], [])
        self.assertEqual(groups[0]["amount_total"], 100.0)
        for method, args in (("read", [["amount_total"]]),
                             ("export_data", [["amount_total"]]),
                             ("write", [{"comment": "mine now"}]),
                             ("action_invoice_open", []),
                             ("unlink", [])):
            with self.assertRaises(AccessError, msg=method):
                self.rpc(self.rep1, "account.invoice", method,
                         (self.inv3 | self.draft3).ids, *args)
        self.assertEqual(self.draft3.state, "draft")
        # the team leader sees the team's, accountants all
        self.assertEqual(Invoice.sudo(self.leader).search(
            [("id", "in", (self.inv1 | self.inv3).ids)]), self.inv1)
        self.assertEqual(Invoice.sudo(self.accountant).search(
            [("id", "in", (self.inv1 | self.inv3).ids)]), self.inv1 | self.inv3)

    def test_an_invoice_is_paid_by_its_payment_not_by_its_state(self):
        for vals in ({"state": "paid"}, {"move_id": False}, {"reconciled": True},
                     {"residual": 0.0}):
            for user in (self.rep1, self.accountant):
                with self.assertRaises(AccessError, msg=str(vals)):
                    self.rpc(user, "account.invoice", "write", self.inv1.ids, vals)
        self.assertEqual(self.inv1.state, "open")
        # nor handed to another rep by its salesperson
        with self.assertRaises(AccessError):
            self.rpc(self.rep1, "account.invoice", "write", self.inv1.ids,
                     {"user_id": self.rep3.id})
        self.assertEqual(self.inv1.user_id, self.rep1)
