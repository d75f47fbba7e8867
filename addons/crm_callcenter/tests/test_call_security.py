"""Who sees and changes what, as ordinary users: agents their own calls and (read
only) the calls and tickets of the customers their data scope shows them,
supervisors every call; recordings only for the roles allowed to play them; the
event log for supervisors; status logs, status changes and connection tokens."""
from lxml import etree

from odoo.exceptions import AccessError, ValidationError

from .calls_common import AGENT, CallsCase


class TestCallSecurity(CallsCase):

    @classmethod
    def setUpClass(cls):
        super(TestCallSecurity, cls).setUpClass()
        cls.agent1, cls.agent2 = cls.users[0], cls.users[1]
        cls.listener = cls.new_user(
            "calls_listener", AGENT + ["crm_callcenter.group_callcenter_recordings"],
            lang="en_US")
        recording = "https://pbx.example.cn/recordings/sec-1.wav"
        for payload in (
                cls.body("ring", "sec-own", 0, extension="7001",
                         **{"from": "+8613855550101"}),
                cls.body("answer", "sec-own", 3, extension="7001"),
                cls.body("record", "sec-own", 4, recording_url=recording),
                cls.body("hangup", "sec-own", 60),
                # agent 2 talks to the same customer
                cls.body("ring", "sec-other", 100, extension="7002",
                         **{"from": "+8613855550101"}),
                # and to an unknown number
                cls.body("ring", "sec-unknown", 200, extension="7002",
                         **{"from": "+8613955559999"})):
            cls.receive(payload)
        Call = cls.env["crm.callcenter.call"]
        cls.call_own = Call.search([("pbx_call_id", "=", "sec-own")])
        cls.call_other = Call.search([("pbx_call_id", "=", "sec-other")])
        cls.call_unknown = Call.search([("pbx_call_id", "=", "sec-unknown")])
        cls.own_customer = cls.env["res.partner"].create({
            "name": "Calls Test Agent-owned Co", "customer": True,
            "is_company": True, "user_id": cls.agent1.id})
        cls.call_owned_customer = Call.create({
            "pbx_call_id": "sec-owned", "connection_id": cls.conn_a.id,
            "partner_id": cls.own_customer.id, "user_id": cls.agent2.id})

    def visible(self, user, model="crm.callcenter.call"):
        return self.env[model].sudo(user).search([])

    def test_agent_reads_own_calls_and_calls_of_customers_they_may_see(self):
        seen = self.visible(self.agent1)
        self.assertIn(self.call_own, seen)
        self.assertIn(self.call_other, seen)  # the customer is theirs to see
        self.assertNotIn(self.call_unknown, seen)  # another agent's, no customer
        with self.assertRaises(AccessError):
            self.call_unknown.sudo(self.agent1).read(["disposition"])

    def test_agent_changes_own_calls_only(self):
        self.call_own.sudo(self.agent1).write({"notes": "Asked for the invoice"})
        self.assertEqual(self.call_own.notes, "Asked for the invoice")
        with self.assertRaises(AccessError):
            self.call_other.sudo(self.agent1).write({"notes": "not mine"})
        with self.assertRaises(AccessError):
            self.call_other.sudo(self.agent1).action_create_ticket()

    def test_narrowed_scope_narrows_the_calls(self):
        self.env.ref("crm_core.data_scope_callcenter").write(
            {"customer_scope": "own", "pool_access": False})
        seen = self.visible(self.agent1)
        self.assertIn(self.call_own, seen)  # their own call stays
        self.assertNotIn(self.call_other, seen)  # the rep's customer: hidden now
        self.assertIn(self.call_owned_customer, seen)  # a customer they own
        self.assertNotIn(self.call_own, self.visible(self.agent2))

    def test_supervisor_reads_every_call(self):
        seen = self.visible(self.supervisor)
        self.assertTrue({self.call_own, self.call_other, self.call_unknown,
                         self.call_owned_customer} <= set(seen))

    def test_outsider_reads_no_call(self):
        rep = self.rep
        with self.assertRaises(AccessError):
            self.env["crm.callcenter.call"].sudo(rep).search([])

    def test_tickets_of_visible_customers(self):
        ticket = self.env["crm.service.ticket"].create({
            "name": "Calls Test Sec Ticket", "partner_id": self.contact.id})
        self.assertIn(ticket, self.visible(self.agent1, "crm.service.ticket"))
        with self.assertRaises(AccessError):
            ticket.sudo(self.agent1).write({"name": "not theirs to change"})
        self.env.ref("crm_core.data_scope_callcenter").write(
            {"customer_scope": "own", "pool_access": False})
        self.assertNotIn(ticket, self.visible(self.agent1, "crm.service.ticket"))

    def test_recordings_for_allowed_roles_only(self):
        url = "https://pbx.example.cn/recordings/sec-1.wav"
        with self.assertRaises(AccessError):
            self.call_own.sudo(self.agent1).read(["recording_url"])
        self.assertTrue(self.call_own.sudo(self.agent1).has_recording)
        self.assertEqual(self.call_own.sudo(self.supervisor).recording_url, url)
        # the listener is an agent with the right: reads the calls they may see
        self.assertEqual(self.call_own.sudo(self.listener).read(
            ["recording_url"])[0]["recording_url"], url)
        for user, shown in ((self.agent1, False), (self.listener, True),
                            (self.supervisor, True)):
            arch = self.env["crm.callcenter.call"].sudo(user).fields_view_get(
                view_type="form")["arch"]
            players = etree.fromstring(arch).xpath(
                "//field[@name='recording_url'][@widget='crm_callcenter_audio']")
            self.assertEqual(bool(players), shown, user.login)

    def test_event_log_for_supervisors(self):
        self.assertTrue(self.visible(self.supervisor, "crm.callcenter.event"))
        with self.assertRaises(AccessError):
            self.env["crm.callcenter.event"].sudo(self.agent1).search([])

    def test_status_logs_own_or_all(self):
        own = self.visible(self.agent1, "crm.callcenter.agent.status.log")
        self.assertTrue(own)
        self.assertEqual(own.mapped("user_id"), self.agent1)
        everyone = self.visible(self.supervisor, "crm.callcenter.agent.status.log")
        self.assertTrue({self.agent1, self.agent2} <= set(everyone.mapped("user_id")))
        with self.assertRaises(AccessError):
            own[0].sudo(self.agent1).write({"reason": "rewritten"})

    def test_agents_change_their_own_status_only(self):
        mine, theirs = self.agents[0], self.agents[1]
        mine.sudo(self.agent1).action_set_break()
        self.assertEqual(mine.status, "break")
        with self.assertRaises(AccessError):
            theirs.sudo(self.agent1).action_set_break()
        with self.assertRaises(AccessError):
            mine.sudo(self.agent1).write({"status": "available"})
        theirs.sudo(self.supervisor).action_set_offline()
        self.assertEqual(theirs.status, "offline")

    def test_the_token_is_for_crm_administrators(self):
        with self.assertRaises(AccessError):
            self.conn_a.sudo(self.agent1).read(["token"])
        with self.assertRaises(AccessError):
            self.conn_a.sudo(self.supervisor).read(["token"])
        with self.assertRaises(AccessError):
            self.conn_a.sudo(self.supervisor).action_new_token()
        with self.assertRaises(AccessError):
            self.conn_a.sudo(self.supervisor).read(["token_hash"])
        admin = self.new_user("calls_crm_admin", ["crm_core.group_crm_admin"])
        old = self.conn_a.sudo(admin).token_hash
        action = self.conn_a.sudo(admin).action_new_token()
        shown = self.env[action["res_model"]].sudo(admin).browse(action["res_id"])
        token = shown.token
        self.assertGreaterEqual(len(token), 32)
        self.assertNotEqual(self.conn_a.sudo(admin).token_hash, old)
        self.assertEqual(self.conn_a.token_hint, token[-4:])
        # the dialog is its maker's only: another administrator cannot read it
        other = self.new_user("calls_crm_admin2", ["crm_core.group_crm_admin"])
        with self.assertRaises(AccessError):
            shown.sudo(other).read(["token"])
        # only its hash is kept: the token is nowhere in the table
        self.assertFalse(self.conn_a.sudo(admin).token)
        self.env.cr.execute("SELECT * FROM crm_callcenter_connection")
        self.assertNotIn(token, repr(self.env.cr.fetchall()))
        Connection = self.env["crm.callcenter.connection"]
        self.assertEqual(Connection._authenticate(token), self.conn_a)
        self.assertFalse(Connection._authenticate(token[:-1]))

    def test_a_token_is_long_enough(self):
        admin = self.new_user("calls_crm_admin3", ["crm_core.group_crm_admin"])
        with self.assertRaises(ValidationError):
            self.conn_a.sudo(admin).write({"token": "short-token"})
