"""Odoo retries a request that failed on a serialization conflict (up to five times):
what a request does outside the database must happen once however many tries it
took. Here a real server (tests/live_server.py) runs an agent's click-to-dial, a
bus notification and a chatter note in a server action whose first attempt fails
with a real PostgreSQL serialization failure (a sequence, which no rollback
undoes, counts the attempts). The fake PBX on 127.0.0.1 must receive one
originate request, and the database must hold one dial, one call, one bus
notification and one note. A request that keeps conflicting gets a message in
the user's language and sends nothing, over XML-RPC and from the web client."""
import json
import threading
import time
import unittest
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, HTTPServer

import requests

from .live_server import LiveFixtures

PASSWORD = "Retry-Test-Pass-42"
SEQUENCE = "crm_test_retry_attempts"
# fail while the sequence is at most ``fail_up_to`` (in the action's context)
ACTION_CODE = """
connection = env["crm.callcenter.connection"].browse(env.context["active_id"])
dial = connection.dial("+86 136 5555 0909")
env["bus.bus"].sendone("crm_retry_probe", {"dial": dial.id})
env.user.partner_id.message_post(body="retry probe note")
env.cr.execute("SELECT nextval('%s')")
if env.cr.fetchone()[0] <= env.context.get("fail_up_to", 1):
    env.cr.execute("DO $$BEGIN RAISE EXCEPTION 'forced conflict' "
                   "USING ERRCODE = 'serialization_failure'; END$$")
""" % SEQUENCE


class FakePbx:
    """Counts the originate requests it receives."""

    def __init__(self):
        self.received = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                fake.received.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                return None
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/originate" % self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class TestSideEffectsOnce(LiveFixtures, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.pbx = FakePbx()
        cls.start_with_fixtures("retry")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.remove_fixtures()
            cls.sql("DROP SEQUENCE IF EXISTS %s" % SEQUENCE)
        finally:
            cls.server.__exit__(None, None, None)
            cls.pbx.close()

    @classmethod
    def _fixtures(cls):
        ref = cls.ref
        cls.user = cls.make("res.users", {
            "name": "Retry Agent", "login": "retry_agent", "password": PASSWORD,
            "email": "retry_agent@example.com", "lang": "en_US",
            "groups_id": [(6, 0, [ref("crm_core.group_callcenter_agent")])]},
            {"no_reset_password": True})
        cls.connection = cls.make("crm.callcenter.connection", {
            "name": "Retry PBX", "adapter": "http", "originate_url": cls.pbx.url,
            "originate_token": "retry-pbx-secret-0123456789", "country_code": "CN"})
        cls.agent = cls.make("crm.callcenter.agent", {"user_id": cls.user})
        cls.make("crm.callcenter.extension", {
            "number": "8809", "connection_id": cls.connection, "agent_id": cls.agent})
        model_id = cls.admin("ir.model", "search",
                             [[("model", "=", "crm.callcenter.connection")]])[0]
        cls.action = cls.make("ir.actions.server", {
            "name": "Retry probe", "model_id": model_id, "state": "code",
            "code": ACTION_CODE})

    def setUp(self):
        self.sql("DROP SEQUENCE IF EXISTS %s" % SEQUENCE)
        self.sql("CREATE SEQUENCE %s" % SEQUENCE)
        self.pbx.received.clear()
        self.before = self.counts()

    def counts(self):
        dials = self.admin("crm.callcenter.dial.log", "search_read", [[
            ("connection_id", "=", self.connection)]], {"fields": ["state"]})
        return {
            "dials": len(dials),
            "queued": len([d for d in dials if d["state"] == "queued"]),
            "calls": self.admin("crm.callcenter.call", "search_count",
                                [[("connection_id", "=", self.connection)]]),
            "bus": self.sql("SELECT count(*) FROM bus_bus WHERE channel = %s",
                            (json.dumps("crm_retry_probe"),))[0][0],
            "notes": self.admin("mail.message", "search_count",
                                [[("body", "like", "retry probe note")]]),
        }

    def attempts(self):
        return self.sql("SELECT last_value, is_called FROM %s" % SEQUENCE)[0]

    def added(self):
        after = self.counts()
        return {key: after[key] - self.before[key] for key in after}

    def context(self, **extra):
        return dict({"active_id": self.connection,
                     "active_model": "crm.callcenter.connection",
                     "active_ids": [self.connection]}, **extra)

    def wait_sent(self):
        """The originate request leaves after the commit, in the request's thread
        or the cron: wait for it."""
        deadline = time.time() + 20
        while time.time() < deadline and (self.counts()["queued"] or
                                          not self.pbx.received):
            time.sleep(0.2)

    def test_one_retry_sends_once(self):
        self.server.xmlrpc(self.user, PASSWORD, "ir.actions.server", "run",
                           [[self.action]], {"context": self.context()})
        self.assertEqual(self.attempts(), (2, True), "one failed try, one that worked")
        self.assertIn("retry 1/5", self.server.log_text())
        self.wait_sent()
        self.assertEqual(len(self.pbx.received), 1, self.pbx.received)
        self.assertEqual(self.pbx.received[0]["number"], "+8613655550909")
        self.assertEqual(self.added(), {"dials": 1, "queued": 0, "calls": 1,
                                        "bus": 1, "notes": 1})

    def test_a_request_that_keeps_conflicting_is_told_so_and_sends_nothing(self):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.server.xmlrpc(self.user, PASSWORD, "ir.actions.server", "run",
                               [[self.action]],
                               {"context": self.context(fail_up_to=99)})
        self.assertEqual(caught.exception.faultCode, 2)  # a warning, not an error
        self.assertIn("Others changed the same records", caught.exception.faultString)
        self.assertEqual(self.attempts(), (6, True), "Odoo's five retries")
        time.sleep(1)
        self.assertEqual(self.pbx.received, [])
        self.assertEqual(self.added(), {"dials": 0, "queued": 0, "calls": 0,
                                        "bus": 0, "notes": 0})

    def test_the_web_client_is_told_so_too(self):
        web = requests.Session()
        answer = web.post(self.server.url + "/web/session/authenticate", json={
            "params": {"db": self.server.db, "login": "retry_agent",
                       "password": PASSWORD}}, timeout=60).json()
        self.assertEqual(answer["result"]["uid"], self.user)
        answer = web.post(self.server.url + "/web/action/run", json={
            "params": {"action_id": self.action,
                       "context": self.context(fail_up_to=99, lang="zh_CN")}},
            timeout=120).json()
        error = answer["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("同时", error["message"])
        self.assertEqual(self.attempts(), (6, True))
        self.assertEqual(self.added(), {"dials": 0, "queued": 0, "calls": 0,
                                        "bus": 0, "notes": 0})
