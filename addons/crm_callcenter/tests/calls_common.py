"""Fixtures of the call-center tests: two phone systems (connections A and B), three
agents with an extension each on A and one on B, a supervisor, a customer company
with a contact, owned by a salesperson. No demo data is relied on."""
import json
from datetime import datetime, timedelta

from odoo.tests.common import SavepointCase

from odoo.addons.crm_core.tests.common import CrmTestMixin

from ..lib.events import validate

TOKEN_A = "calls-test-token-aaaaaaaaaaaaaaaa"
TOKEN_B = "calls-test-token-bbbbbbbbbbbbbbbb"
AGENT = ["crm_core.group_callcenter_agent"]
SUPERVISOR = ["crm_core.group_callcenter_supervisor"]
SALESMAN = ["sales_team.group_sale_salesman"]
# yesterday 02:00 UTC: in the past, as the API requires, and before any demo call
T0 = datetime.utcnow().replace(hour=2, minute=0, second=0, microsecond=0) \
    - timedelta(days=1)
COMPANY_PHONE = "+86 21 5555 0100"
CONTACT_MOBILE = "+86 138 5555 0101"


def at(seconds):
    """An ISO 8601 time ``seconds`` after T0, in UTC+8 as a Chinese PBX sends."""
    return (T0 + timedelta(hours=8, seconds=seconds)).strftime(
        "%Y-%m-%dT%H:%M:%S+08:00")


def utc(seconds):
    """The same moment as stored (UTC string)."""
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


class CallsFixtures(CrmTestMixin):
    """Records shared by the ORM and the HTTP tests (``cls.env`` is set)."""

    @classmethod
    def _calls_fixtures(cls):
        Connection = cls.env["crm.callcenter.connection"]
        cls.conn_a = Connection.create({
            "name": "Calls Test PBX A", "site": "上海", "token": TOKEN_A,
            "timezone": "Asia/Shanghai", "country_code": "CN"})
        cls.conn_b = Connection.create({
            "name": "Calls Test PBX B", "site": "成都", "token": TOKEN_B,
            "timezone": "Asia/Shanghai", "country_code": "CN"})
        cls.rep = cls.new_user("calls_rep", SALESMAN, lang="en_US")
        cls.supervisor = cls.new_user("calls_supervisor", SUPERVISOR, lang="en_US")
        cls.users = cls.env["res.users"]
        cls.agents = cls.env["crm.callcenter.agent"]
        for index in range(1, 4):
            user = cls.new_user("calls_agent%d" % index, AGENT, lang="en_US")
            # agents since an hour before the test calls
            agent = cls.agents.create({"user_id": user.id, "status_since": utc(-3600)})
            cls.env["crm.callcenter.extension"].create({
                "number": "700%d" % index, "connection_id": cls.conn_a.id,
                "agent_id": agent.id})
            cls.users |= user
            cls.agents |= agent
        cls.agent_b_user = cls.new_user("calls_agent_b", AGENT, lang="en_US")
        cls.agent_b = cls.env["crm.callcenter.agent"].create(
            {"user_id": cls.agent_b_user.id, "status_since": utc(-3600)})
        cls.env["crm.callcenter.extension"].create({
            "number": "8001", "connection_id": cls.conn_b.id,
            "agent_id": cls.agent_b.id})
        cls.level = cls.env["crm.dictionary.item"].search(
            [("dictionary_code", "=", "customer_level")], limit=1)
        cls.customer = cls.env["res.partner"].create({
            "name": "Calls Test Trading Co", "is_company": True, "customer": True,
            "phone": COMPANY_PHONE, "user_id": cls.rep.id,
            "customer_level_id": cls.level.id})
        cls.contact = cls.env["res.partner"].create({
            "name": "Calls Test Li Na", "parent_id": cls.customer.id,
            "mobile": CONTACT_MOBILE})

    @classmethod
    def receive(cls, payload, connection=None):
        """One event through the API's checks and processing, without HTTP."""
        connection = connection or cls.conn_a
        clean = validate(payload, connection.timezone, now=T0 + timedelta(days=3))
        return cls.env["crm.callcenter.event"]._receive(connection, clean)

    @staticmethod
    def body(event, call_id, seconds, **values):
        payload = {"event": event, "call_id": call_id, "timestamp": at(seconds)}
        payload.update(values)
        return payload

    def last_bus_id(self):
        self.env.cr.execute("SELECT coalesce(max(id), 0) FROM bus_bus")
        return self.env.cr.fetchone()[0]

    def call_of(self, pbx_call_id, connection=None):
        return self.env["crm.callcenter.call"].search([
            ("pbx_call_id", "=", pbx_call_id),
            ("connection_id", "=", (connection or self.conn_a).id)])

    def bus_messages(self, user, kind="crm_callcenter.ring", since=0):
        """The pop-up (or status) messages on ``user``'s partner channel (after
        the bus row ``since``)."""
        channel = json.dumps([self.env.cr.dbname, "res.partner",
                              user.partner_id.id], separators=(",", ":"))
        rows = self.env["bus.bus"].sudo().search_read(  # sudo: test reads as admin
            [("channel", "=", channel), ("id", ">", since)], ["message"],
            order="id")
        messages = [json.loads(row["message"]) for row in rows]
        return [message for message in messages if message.get("type") == kind]


class CallsCase(CallsFixtures, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(CallsCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US",
                                       mail_notrack=True, tracking_disable=True))
        cls._calls_fixtures()
