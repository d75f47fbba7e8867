"""IVR menus: the PBX asks for the next step, the path is recorded on the call,
a caller hears the status of their own ticket by its number (and nothing about
anybody else's), bad requests get 400; only supervisors configure menus."""
import json

import requests
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.crm_core.tests.http_case import ClientErrorsQuietHandler, HttpCase

from .acd_common import TOKEN, AcdCase, AcdFixtures


class IvrFixtures(AcdFixtures):

    @classmethod
    def _create_ivr_records(cls):
        Menu = cls.env["crm.callcenter.ivr.menu"]
        cls.main = Menu.create({
            "name": "Main", "code": "main", "connection_id": cls.connection.id,
            "is_entry": True,
            "prompt": "For sales press 1, support 2, ticket status 3."})
        cls.support = Menu.create({
            "name": "Support", "code": "support_menu",
            "connection_id": cls.connection.id,
            "prompt": "For repairs press 1, for a message press 2."})
        Option = cls.env["crm.callcenter.ivr.option"]
        for vals in (
                {"menu_id": cls.main.id, "digit": "1", "label": "Sales",
                 "action": "queue", "queue_id": cls.queue_sales.id},
                {"menu_id": cls.main.id, "digit": "2", "label": "Support",
                 "action": "submenu", "submenu_id": cls.support.id},
                {"menu_id": cls.main.id, "digit": "3", "label": "Ticket status",
                 "action": "self_service", "self_service": "ticket_status",
                 "input_prompt": "Enter your ticket number."},
                {"menu_id": cls.main.id, "digit": "0", "label": "Operator",
                 "action": "agent", "agent_id": cls.agent2.id},
                {"menu_id": cls.support.id, "digit": "1", "label": "Repairs",
                 "action": "queue", "queue_id": cls.queue_support.id},
                {"menu_id": cls.support.id, "digit": "2", "label": "Message",
                 "action": "voicemail", "voicemail_box": "9002"}):
            Option.create(vals)
        Ticket = cls.env["crm.service.ticket"]
        cls.ticket = Ticket.create({
            "name": "Spindle noise", "partner_id": cls.regular_contact.id,
            "number": "SR2611-00042", "resolve_deadline": "2026-11-25 10:00:00"})
        cls.ticket.action_accept()
        cls.other_ticket = Ticket.create({
            "name": "Other customer's", "partner_id": cls.vip.id,
            "number": "SR2611-00043"})


class TestIvr(IvrFixtures, AcdCase):

    @classmethod
    def setUpClass(cls):
        super(TestIvr, cls).setUpClass()
        cls._create_ivr_records()

    def step(self, call, menu=None, digits=""):
        return self.env["crm.callcenter.ivr.menu"]._ivr_step(
            self.connection, call, menu, digits)

    def test_walk_the_menus(self):
        call = self.call("ivr-1")
        self.assertEqual(self.step(call), {
            "action": "menu", "menu": "main",
            "say": "For sales press 1, support 2, ticket status 3."})
        self.assertEqual(self.step(call, "main", "2")["menu"], "support_menu")
        self.assertEqual(self.step(call, "support_menu", "1"),
                         {"action": "queue", "queue": "acd_support"})
        self.assertEqual(call.ivr_path, "main>2>support_menu>1>acd_support")

    def test_agent_voicemail_and_invalid_keys(self):
        call = self.call("ivr-2")
        self.assertEqual(self.step(call, "main", "0"),
                         {"action": "agent", "extension": "8102",
                          "agent_user_id": self.user2.id})
        wrong = self.step(call, "main", "7")
        self.assertEqual(wrong["action"], "menu")
        self.assertTrue(wrong["say"].startswith("Sorry, that key is not an option."))
        self.assertEqual(self.step(call, "support_menu", "2"),
                         {"action": "voicemail", "extension": "9002"})
        self.assertEqual(call.ivr_path,
                         "main>0>agent>main>7>invalid>support_menu>2>voicemail")

    def test_own_ticket_status(self):
        """The contact's mobile finds their company's ticket; the deadline is read
        in the phone system's time (Shanghai)."""
        call = self.call("ivr-3", "+8613655550203")
        collect = self.step(call, "main", "3")
        self.assertEqual(collect, {"action": "collect", "menu": "ticket_status",
                                   "say": "Enter your ticket number."})
        answer = self.step(call, "ticket_status", "261100042")
        self.assertEqual(answer["action"], "say")
        self.assertEqual(answer["menu"], "main")
        self.assertEqual(answer["say"], "Your ticket SR2611-00042 is Accepted. It "
                                        "should be resolved by 2026-11-25 18:00.")
        self.assertEqual(call.ivr_path, "main>3>ticket_status")

    def test_nobody_hears_another_customers_ticket(self):
        not_found = ("We found no ticket with this number for the phone you are "
                     "calling from.")
        for pbx_id, number, digits in (
                ("ivr-4", "+8613655550203", "261100043"),  # the VIP's ticket
                ("ivr-5", "+8613699990000", "261100042"),  # unknown caller
                ("ivr-6", "+8613655550203", "1")):          # no such ticket
            call = self.call(pbx_id, number)
            self.step(call, "main", "3")
            self.assertEqual(self.step(call, "ticket_status", digits)["say"],
                             not_found)

    def test_configuration_checks(self):
        Menu = self.env["crm.callcenter.ivr.menu"]
        with self.assertRaises(ValidationError):
            Menu.create({"name": "Second entry", "code": "main2", "is_entry": True,
                         "connection_id": self.connection.id, "prompt": "x"})
        with self.assertRaises(ValidationError):
            Menu.create({"name": "Reserved", "code": "ticket_status",
                         "connection_id": self.connection.id, "prompt": "x"})
        Option = self.env["crm.callcenter.ivr.option"]
        with self.assertRaises(ValidationError):
            Option.create({"menu_id": self.main.id, "digit": "x", "label": "X",
                           "action": "voicemail"})
        with self.assertRaises(ValidationError):
            Option.create({"menu_id": self.main.id, "digit": "5", "label": "X",
                           "action": "queue"})
        with self.assertRaises(ValidationError):
            Option.create({"menu_id": self.main.id, "digit": "6", "label": "X",
                           "action": "submenu", "submenu_id": self.main.id})

    def test_only_supervisors_configure(self):
        Menu = self.env["crm.callcenter.ivr.menu"]
        with self.assertRaises(AccessError):
            Menu.sudo(self.user1).search([])
        with self.assertRaises(AccessError):
            self.main.sudo(self.user1).write({"prompt": "Hacked"})
        menus = Menu.sudo(self.supervisor).search(
            [("code", "=", "main"), ("connection_id", "=", self.connection.id)])
        self.assertEqual(menus, self.main)
        self.main.sudo(self.supervisor).write({"prompt": "New prompt"})
        self.assertEqual(self.main.prompt, "New prompt")


class TestIvrHttp(IvrFixtures, HttpCase):

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        cls._create_acd_records()
        cls._create_ivr_records()

    def post(self, payload):
        return requests.post(
            self.base_url + "/crm_callcenter/ivr", data=json.dumps(payload),
            headers={"Content-Type": "application/json",
                     "Authorization": "Bearer %s" % TOKEN}, timeout=30)

    def test_ivr_over_http(self):
        start = {"call_id": "web-ivr-1", "from": "13655550203"}
        with self.served():
            answers = [self.post(start),
                       self.post(dict(start, menu="main", digits="3")),
                       self.post(dict(start, menu="ticket_status",
                                      digits="261100042"))]
        self.assertEqual([a.status_code for a in answers], [200, 200, 200])
        self.assertEqual(answers[0].json()["menu"], "main")
        self.assertEqual(answers[1].json()["action"], "collect")
        self.assertIn("SR2611-00042", answers[2].json()["say"])
        call = self.env["crm.callcenter.call"].search(
            [("pbx_call_id", "=", "web-ivr-1")])
        self.assertEqual(call.ivr_path, "main>3>ticket_status")

    def test_bad_requests(self):
        with self.served():
            unknown = self.post({"call_id": "web-ivr-2", "menu": "nowhere"})
            skipped = self.post({"call_id": "web-ivr-3", "menu": "ticket_status",
                                 "digits": "42"})
            letters = self.post({"call_id": "web-ivr-4", "menu": "main",
                                 "digits": "abc"})
            no_call = self.post({"menu": "main"})
        for answer, field in ((unknown, "menu"), (skipped, "menu"),
                              (letters, "digits"), (no_call, "call_id")):
            self.assertEqual(answer.status_code, 400, answer.text)
            self.assertEqual(answer.json()["field"], field)
        self.assertFalse(self.env["crm.callcenter.call"].search(
            [("pbx_call_id", "in", ["web-ivr-2", "web-ivr-3", "web-ivr-4"])]))
