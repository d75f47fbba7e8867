"""End to end in a real browser: an agent is logged in to the web client, the phone
system posts a ring for the agent's extension over HTTP, and the caller pop-up
(来电弹屏) shows the customer, their open ticket and the number within seconds; one
click opens the customer's 360 view.

The test's own transaction is served over HTTP (see browser_case.py). Odoo
refuses the bus's /longpolling/poll in that mode: its dispatcher waits for the
PostgreSQL NOTIFY sent after a real commit. ``BusPoll`` stands in for it in this
test's server: it answers the page's polls from the bus.bus table on the test's
cursor with Odoo's own bus.bus.poll (the user's partner channel added as mail's
controller adds it), and wakes waiting polls whenever another request ends.
"""
import json
import threading
import time

import odoo
from odoo import SUPERUSER_ID, api, fields
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from odoo.addons.crm_core.tests import http_case

from .browser_case import LOG_DIR, PASSWORD, BrowserCase

TOKEN = "browser-popup-token-0123456789"
CUSTOMER = "Browser Popup Precision Co"
#: the longest a poll waits for a notification before answering empty
POLL_WAIT = 5.0


class BusPoll(object):
    """A WSGI wrapper answering /longpolling/poll from the test's cursor."""

    def __init__(self, app, registry):
        self.app = app
        self.registry = registry
        self.changed = threading.Condition()
        self.version = 0
        # per browser session: the last bus row when it first polled (Odoo's
        # first poll reads the last 50 s by create_date, which in the test's one
        # long transaction is the time the test began)
        self.baselines = {}

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/longpolling/poll":
            return self.poll(environ, start_response)
        try:
            return self.app(environ, start_response)
        finally:
            with self.changed:
                self.version += 1
                self.changed.notify_all()

    def poll(self, environ, start_response):
        threading.current_thread().testing = True
        request = Request(environ)
        call = json.loads(request.get_data().decode("utf-8"))
        params = call.get("params") or {}
        session = odoo.http.root.session_store.get(request.cookies.get("session_id"))
        deadline = time.monotonic() + POLL_WAIT
        result = []
        while True:
            with self.changed:
                version = self.version
            result = self.read(session, params)
            remaining = deadline - time.monotonic()
            if result or remaining <= 0:
                break
            with self.changed:
                self.changed.wait_for(lambda: self.version != version, remaining)
        body = json.dumps({"jsonrpc": "2.0", "id": call.get("id"),
                           "result": result})
        return Response(body, content_type="application/json")(
            environ, start_response)

    def read(self, session, params):
        with api.Environment.manage(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            channels = list(params.get("channels") or [])
            if session.uid:
                partner = env["res.users"].browse(session.uid).partner_id
                channels.append((cr.dbname, "res.partner", partner.id))
            cr.execute("SELECT coalesce(max(id), 0) FROM bus_bus")
            baseline = self.baselines.setdefault(session.sid, cr.fetchone()[0])
            last = max(params.get("last") or 0, baseline)
            return [n for n in env["bus.bus"].poll(channels, last)
                    if n["id"] > baseline]


class TestBrowserPopup(BrowserCase):

    @classmethod
    def _create_records(cls):
        connection = cls.env["crm.callcenter.connection"].create({
            "name": "Browser Popup PBX", "token": TOKEN, "country_code": "CN",
            "timezone": "Asia/Shanghai"})
        cls.agent_user = cls.new_user(
            "browser_popup_agent", ["crm_core.group_callcenter_agent"],
            password=PASSWORD, lang="en_US")
        agent = cls.env["crm.callcenter.agent"].create(
            {"user_id": cls.agent_user.id, "status": "available"})
        cls.env["crm.callcenter.extension"].create({
            "number": "6601", "connection_id": connection.id,
            "agent_id": agent.id})
        cls.agent = agent
        level = cls.env["crm.dictionary.item"].search(
            [("dictionary_code", "=", "customer_level")], limit=1)
        cls.customer = cls.env["res.partner"].create({
            "name": CUSTOMER, "is_company": True, "customer": True,
            "phone": "+86 21 6600 1234", "customer_level_id": level.id})
        cls.env["crm.lead"].create({
            "name": "Browser Popup Spindle Retrofit", "type": "opportunity",
            "partner_id": cls.customer.id, "planned_revenue": 86000,
            "user_id": cls.agent_user.id})
        cls.ticket = cls.env["crm.service.ticket"].create({
            "name": "Browser Popup Spindle Alarm", "partner_id": cls.customer.id})

    @classmethod
    def _start_server(cls):
        app = BusPoll(http_case.application, cls.registry)
        cls.server = make_server("127.0.0.1", 0, app, threaded=True,
                                 request_handler=cls.request_handler)
        cls.base_url = "http://127.0.0.1:%d" % cls.server.port
        cls.server_thread = threading.Thread(
            target=cls.server.serve_forever, name="test-http", daemon=True)
        cls.server_thread.start()

    def test_the_agent_sees_the_caller_popup(self):
        ring = {"event": "ring", "call_id": "browser-popup-1", "direction": "inbound",
                "from": "02166001234", "to": "4008001234", "extension": "6601",
                "timestamp": fields.Datetime.now().replace(" ", "T") + "Z"}
        seen = self.run_flow(
            "popup_flow.js", self.agent_user, event=ring, token=TOKEN,
            customer=CUSTOMER, popup_screenshot=str(LOG_DIR / "caller-popup.png"),
            longpolling=True)
        call = self.env["crm.callcenter.call"].search(
            [("pbx_call_id", "=", "browser-popup-1")])
        self.assertEqual(seen["answer"], {"call_id": call.id,
                                          "partner_id": self.customer.id,
                                          "agent_user_id": self.agent_user.id})
        self.assertIn(CUSTOMER, seen["popup"])
        self.assertEqual(seen["number"], "+862166001234")
        self.assertEqual(len(seen["tickets"]), 1)
        self.assertIn(self.ticket.number, seen["tickets"][0])
        self.assertIn("Browser Popup Spindle Alarm", seen["tickets"][0])
        self.assertIn("Browser Popup Spindle Retrofit", seen["popup"])
        self.assertLess(seen["elapsed_ms"], 5000, seen)
        self.assertIn("Available", seen["status_before"])
        self.assertIn("Ringing", seen["status_after"])
        self.assertEqual(seen["opened"], CUSTOMER)
        self.assertEqual(seen["page_errors"], [])
        self.assertEqual(self.agent.status, "ringing")
