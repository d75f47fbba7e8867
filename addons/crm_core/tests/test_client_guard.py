"""The one guard on what a client sends and reads (models/base_guard.py, rpc.py),
called the way the web client, XML-RPC and JSON-RPC call models, as ordinary users:
fields with groups= stay hidden through search, order, read_group, export and
onchange; public methods and wizards refuse records one may not read; links to
hidden records are refused; a write that leaves the user's rules is rolled back."""
from odoo.exceptions import AccessError

from .test_pool import PoolCase


class TestClientGuard(PoolCase):

    @classmethod
    def setUpClass(cls):
        super(TestClientGuard, cls).setUpClass()
        cls.marketing = cls.new_user(
            "guard_marketing", ["base.group_user", "crm_core.group_marketing_user"])
        cls.mine = cls.customer("Guard Mine Co", owner=cls.rep1, team_id=cls.team.id,
                                email="mine@guard.example")
        cls.theirs = cls.customer("Guard Theirs Co", owner=cls.rep3,
                                  team_id=cls.other_team.id,
                                  email="secret@guard.example")
        cls.marketing_manager = cls.new_user(
            "guard_marketing_manager",
            ["base.group_user", "crm_core.group_marketing_manager"])
        cls.gateway = cls.env["crm.sms.gateway"].create(
            {"name": "Guard gateway", "kind": "local",
             "access_key_secret": "s3cret", "callback_token": "guard-callback"})
        cls.visit = cls.env.ref("crm_core.dictionary_followup_channel_visit")

    # --- fields with groups=

    def test_hidden_field_refused_in_every_reading_door(self):
        """crm_amount_due is for sales, finance, service and the call center, not
        for marketing: no search, order, grouping, measure or export of it."""
        Partner = "res.partner"
        user = self.marketing
        doors = [
            ("search", [[("crm_amount_due", ">", 0)]], {}),
            ("search_count", [[("crm_amount_due", ">", 0)]], {}),
            ("search_read", [[("id", "=", self.mine.id)]],
             {"fields": ["name"], "order": "crm_amount_due desc"}),
            ("read_group", [[], ["customer", "crm_amount_due:sum"], ["customer"]],
             {}),
            ("read_group", [[], ["crm_amount_due"], ["crm_amount_due"]], {}),
            ("name_search", ["Guard"], {"args": [("crm_amount_due", ">", 0)]}),
        ]
        for method, args, kwargs in doors:
            with self.assertRaises(AccessError, msg=method):
                self.rpc(user, Partner, method, *args, **kwargs)
        with self.assertRaises(AccessError):
            self.rpc(user, Partner, "export_data", [self.mine.id],
                     ["name", "crm_amount_due"])
        with self.assertRaises(AccessError):
            self.rpc(user, Partner, "onchange", [], {"name": "x"}, "name",
                     {"name": "1", "crm_amount_due": ""})
        # through a relation, too
        with self.assertRaises(AccessError):
            self.rpc(user, "crm.lead", "search",
                     [("partner_id.crm_amount_due", ">", 0)])

    def test_stored_secret_is_no_oracle(self):
        """A gateway's secret is for marketing managers: a marketing user cannot
        find it by searching, sorting or grouping on it; the manager can."""
        domain = [("access_key_secret", "=like", "s3%"),
                  ("id", "=", self.gateway.id)]
        for method, args, kwargs in (
                ("search", [domain], {}),
                ("search", [[]], {"order": "callback_token"}),
                ("read_group", [[], ["callback_token"], ["callback_token"]], {}),
                ("export_data", [[self.gateway.id], ["callback_token"]], {})):
            with self.assertRaises(AccessError, msg=method):
                self.rpc(self.marketing, "crm.sms.gateway", method, *args, **kwargs)
        manager = self.marketing_manager
        self.assertEqual(self.rpc(manager, "crm.sms.gateway", "search", domain),
                         [self.gateway.id])
        groups = self.rpc(manager, "crm.sms.gateway", "read_group",
                          [("id", "=", self.gateway.id)], ["callback_token"],
                          ["callback_token"])
        self.assertEqual(groups[0]["callback_token"], "guard-callback")
        rows = self.rpc(manager, "crm.sms.gateway", "export_data",
                        [self.gateway.id], ["callback_token"])
        self.assertEqual(rows["datas"], [["guard-callback"]])

    # --- records one may not read

    def test_public_methods_refuse_hidden_records(self):
        for method in ("name_get", "action_explain_access", "action_pool_release",
                       "copy", "message_post"):
            with self.assertRaises(AccessError, msg=method):
                self.rpc(self.rep1, "res.partner", method, [self.theirs.id])
        # and work on one's own
        self.assertEqual(
            self.rpc(self.rep1, "res.partner", "name_get", [self.mine.id])[0][0],
            self.mine.id)
        self.rpc(self.rep1, "res.partner", "action_explain_access", [self.mine.id])

    def test_wizard_context_records_must_be_readable(self):
        with self.assertRaises(AccessError):
            self.rpc(self.rep1, "res.partner.pool.release", "default_get",
                     ["reason_id"], context={"active_model": "res.partner",
                                             "active_ids": [self.theirs.id]})
        # a wizard that declares its model is not fooled by another active_model
        lead = self.env["crm.lead"].create({"name": "Guard lead",
                                            "user_id": self.rep1.id})
        with self.assertRaises(AccessError):
            self.rpc(self.rep1, "res.partner.pool.release", "create",
                     {"reason_id": self.reason.id},
                     context={"active_model": "crm.lead",
                              "active_ids": [self.theirs.id, lead.id]})

    # --- links

    def test_no_link_to_a_hidden_customer(self):
        before = self.env["crm.followup"].search_count([])
        with self.assertRaises(AccessError):
            self.rpc(self.rep1, "crm.followup", "create",
                     {"partner_id": self.theirs.id, "summary": "peek",
                      "channel_id": self.visit.id})
        self.assertEqual(self.env["crm.followup"].search_count([]), before)
        followup = self.env["crm.followup"].sudo(self.rep1).create(
            {"partner_id": self.mine.id, "summary": "mine",
             "channel_id": self.visit.id})
        with self.assertRaises(AccessError):
            self.rpc(self.rep1, "crm.followup", "write", [followup.id],
                     {"partner_id": self.theirs.id})
        self.assertEqual(followup.partner_id, self.mine)

    def test_onchange_does_not_read_a_hidden_customer(self):
        with self.assertRaises(AccessError):
            self.rpc(self.rep1, "crm.followup", "onchange", [],
                     {"partner_id": self.theirs.id}, "partner_id",
                     {"partner_id": "1"})
        self.rpc(self.rep1, "crm.followup", "onchange", [],
                 {"partner_id": self.mine.id}, "partner_id", {"partner_id": "1"})

    # --- rules after the write

    def test_write_that_leaves_the_scope_is_rolled_back(self):
        """The leader may edit the team's customers, but not move one into another
        team (out of their own write scope)."""
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            # a failed request rolls back; so does the savepoint here
            self.rpc(self.leader, "res.partner", "write", [self.mine.id],
                     {"team_id": self.other_team.id})
        self.mine.invalidate_cache()
        self.assertEqual(self.mine.team_id, self.team)
        self.rpc(self.leader, "res.partner", "write", [self.mine.id],
                 {"phone": "+86 21 5555 0101"})
