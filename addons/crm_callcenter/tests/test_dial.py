"""Click-to-dial: the local adapter records the request, the HTTP adapter POSTs it
to the PBX (a fake PBX on 127.0.0.1 here) with the connection's token once the
transaction commits; the "Call" buttons of customers, leads and tickets; number
masking for agents (the real number never reaches them), full numbers for
supervisors."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from odoo.exceptions import AccessError, UserError

from .acd_common import AcdCase


class FakePbx(object):
    """An HTTP server on 127.0.0.1 answering originate requests with ``status``
    and remembering what it received."""

    def __init__(self, status=200):
        self.status = status
        self.received = []
        fake = self

        class Handler(BaseHTTPRequestHandler):

            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                fake.received.append({
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type"),
                    "body": json.loads(self.rfile.read(length).decode("utf-8")),
                })
                answer = json.dumps({"status": "ringing"}).encode("utf-8")
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                return None

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/originate" % self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
        return False


class TestDial(AcdCase):

    @classmethod
    def setUpClass(cls):
        super(TestDial, cls).setUpClass()
        cls.lead = cls.env["crm.lead"].create({
            "name": "ACD dial lead", "partner_id": cls.regular.id,
            "mobile": "+86 136 5555 0303", "type": "opportunity",
            "user_id": cls.user1.id})
        cls.ticket = cls.env["crm.service.ticket"].create({
            "name": "ACD dial ticket", "partner_id": cls.regular_contact.id,
            "contact_phone": "136 5555 0203"})

    def test_local_adapter_records_the_request(self):
        log = self.connection.sudo(self.user1).dial("136-5555-0101",
                                                    partner=self.vip)
        self.assertEqual(log.state, "recorded")
        self.assertEqual(log.sudo().number,  # sudo: the real number
                         "+8613655550101")
        self.assertEqual(log.extension, "8101")
        request = json.loads(log.sudo().request)  # sudo: test reads as admin
        self.assertEqual(request["extension"], "8101")
        self.assertEqual(request["number"], "+8613655550101")
        self.assertEqual(request["national"], "13655550101")
        call = log.call_id
        self.assertEqual(request["call_id"], call.pbx_call_id)
        self.assertEqual((call.direction, call.partner_id, call.user_id,
                          call.customer_number),
                         ("outbound", self.vip, self.user1, "+8613655550101"))

    def test_http_adapter_posts_after_commit(self):
        with FakePbx() as pbx:
            self.connection.write({"adapter": "http", "originate_url": pbx.url,
                                   "originate_token": "pbx-secret-0123456789"})
            log = self.connection.sudo(self.user2).dial("+86 136 5555 0202")
            self.assertEqual(log.state, "queued")
            self.assertFalse(pbx.received, "nothing is sent before the commit")
            # what the after-commit hook (or the cron) runs
            self.env["crm.callcenter.dial.log"]._cron_send_queued()
        self.assertEqual(len(pbx.received), 1)
        received = pbx.received[0]
        self.assertEqual(received["path"], "/originate")
        # the PBX's credential, never the hashed token the PBX sends us
        self.assertEqual(received["authorization"], "Bearer pbx-secret-0123456789")
        self.assertEqual(received["content_type"], "application/json")
        self.assertEqual(received["body"]["extension"], "8102")
        self.assertEqual(received["body"]["number"], "+8613655550202")
        self.assertEqual(received["body"]["call_id"], log.call_id.pbx_call_id)
        self.assertEqual(log.state, "sent")
        self.assertIn("200", log.response)
        # sent once: the cron finds nothing left
        self.assertFalse(self.env["crm.callcenter.dial.log"]._cron_send_queued())

    def test_http_adapter_failures_are_recorded(self):
        with FakePbx(status=503) as pbx:
            self.connection.write({"adapter": "http", "originate_url": pbx.url})
            refused = self.connection.sudo(self.user1).dial("13655550101")
            refused._send_queued()
        self.assertEqual(refused.state, "failed")
        self.assertIn("503", refused.response)
        # nobody listens on the address any more
        unreachable = self.connection.sudo(self.user1).dial("13655550101")
        unreachable._send_queued()
        self.assertEqual(unreachable.state, "failed")
        self.assertTrue(unreachable.response)

    def test_call_buttons(self):
        partner_log = self.env["crm.callcenter.dial.log"].browse(
            self.vip.sudo(self.user1).with_context(dial_field="mobile")
            .action_dial()["res_id"])
        self.assertEqual(partner_log.sudo().number,  # sudo: the real number
                         "+8613655550101")
        self.assertEqual(partner_log.call_id.partner_id, self.vip)
        lead_log = self.env["crm.callcenter.dial.log"].browse(
            self.lead.with_context(dial_field="mobile").sudo(self.user1)
            .action_dial()["res_id"])
        self.assertEqual(lead_log.call_id.lead_id, self.lead)
        self.assertEqual(lead_log.call_id.partner_id, self.regular)
        with self.assertRaises(UserError):
            self.vip.sudo(self.user1).with_context(dial_field="phone").action_dial()
        with self.assertRaises(UserError):
            self.vip.sudo(self.user1).with_context(dial_field="email").action_dial()

    def test_ticket_button(self):
        # agent 2 reads the ticket: it is of a customer of theirs
        log_id = self.ticket.sudo(self.user2).with_context(
            dial_field="contact_phone").action_dial()["res_id"]
        log = self.env["crm.callcenter.dial.log"].browse(log_id)
        self.assertEqual(log.call_id.ticket_id, self.ticket)
        self.assertEqual(log.sudo().number,  # sudo: the real number
                         "+8613655550203")

    def test_who_can_dial(self):
        nobody = self.new_user("acd_not_agent", ["base.group_user"])
        with self.assertRaisesRegex(UserError, "not a call-center agent"):
            self.env["crm.callcenter.connection"].sudo(nobody)._dial_for_user(
                "13655550101")
        no_extension = self.new_user("acd_no_extension",
                                     ["crm_core.group_callcenter_agent"])
        self.env["crm.callcenter.agent"].create({"user_id": no_extension.id})
        with self.assertRaisesRegex(UserError, "has no extension"):
            self.connection.sudo(no_extension).dial("13655550101")
        with self.assertRaisesRegex(UserError, "Number:"):
            self.connection.sudo(self.user1).dial("12")

    def test_masking(self):
        self.connection.mask_numbers = True
        log = self.connection.sudo(self.user1).dial("13655550101")
        as_agent = log.sudo(self.user1)
        self.assertEqual(as_agent.number_display, "136****0101")
        with self.assertRaises(AccessError):
            as_agent.read(["number"])
        with self.assertRaises(AccessError):
            as_agent.read(["request"])
        as_supervisor = log.sudo(self.supervisor)
        self.assertEqual(as_supervisor.number_display, "+8613655550101")
        self.assertEqual(as_supervisor.number, "+8613655550101")
        self.assertEqual(log.call_id.sudo(self.user1).customer_number_display,
                         "136****0101")
        # without masking the agent sees the number
        self.connection.mask_numbers = False
        self.assertEqual(log.sudo(self.user1).number_display, "+8613655550101")

    def test_masked_call_list_preview(self):
        self.connection.mask_numbers = True
        call_list = self.env["crm.callcenter.call.list"].create({
            "name": "ACD masked", "connection_id": self.connection.id,
            "agent_ids": [(6, 0, self.agent1.ids)],
            "partner_domain": "[('id', '=', %d)]" % self.vip.id})
        call_list.action_generate()
        entry = call_list.entry_ids.sudo(self.user1)
        self.assertEqual(entry.phone_display, "136****0101")
        with self.assertRaises(AccessError):
            entry.read(["phone"])
        self.assertEqual(entry.sudo(self.supervisor).phone_display,
                         "+8613655550101")

    def test_dial_log_access(self):
        mine = self.connection.sudo(self.user1).dial("13655550101")
        Log = self.env["crm.callcenter.dial.log"]
        self.assertIn(mine, Log.sudo(self.user1).search([]))
        self.assertNotIn(mine, Log.sudo(self.user2).search([]))
        self.assertIn(mine, Log.sudo(self.supervisor).search([]))
        with self.assertRaises(AccessError):
            mine.sudo(self.user1).write({"response": "x"})
