"""Fixtures of the routing, outbound and statistics tests: one phone system with
three agents on extensions, two queues, skills and customers of levels A and B.
Nothing from the demo data is used."""
from datetime import datetime, timedelta

from odoo.tests.common import SavepointCase

from odoo.addons.crm_core.tests.common import CrmTestMixin

AGENT = ["crm_core.group_callcenter_agent"]
SUPERVISOR = ["crm_core.group_callcenter_supervisor"]
ANALYST = ["crm_core.group_analyst"]
SALES_AGENT = ["crm_core.group_callcenter_agent", "sales_team.group_sale_salesman"]
TOKEN = "acd-test-token-0123456789abcdef"
DT = "%Y-%m-%d %H:%M:%S"


def ago(seconds, now=None):
    """A Datetime value ``seconds`` before ``now`` (default: the current time)."""
    now = datetime.strptime(now, DT) if isinstance(now, str) else \
        (now or datetime.utcnow())
    return (now - timedelta(seconds=seconds)).strftime(DT)


class AcdFixtures(CrmTestMixin):
    """Builds the fixtures; used by SavepointCase and HttpCase classes alike."""

    @classmethod
    def _create_acd_records(cls):
        env = cls.env
        cls.supervisor = cls.new_user("acd_supervisor", SUPERVISOR, lang="en_US")
        cls.analyst = cls.new_user("acd_analyst", ANALYST, lang="en_US")
        cls.user1 = cls.new_user("acd_agent1", SALES_AGENT, lang="en_US")
        cls.user2 = cls.new_user("acd_agent2", SALES_AGENT, lang="en_US")
        cls.user3 = cls.new_user("acd_agent3", AGENT, lang="en_US")
        cls.outsider = cls.new_user("acd_outsider", AGENT, lang="en_US")
        cls.connection = env["crm.callcenter.connection"].create({
            "name": "ACD Test PBX", "token": TOKEN, "timezone": "Asia/Shanghai",
            "country_code": "CN"})
        Agent = env["crm.callcenter.agent"]
        cls.agent1 = Agent.create({"user_id": cls.user1.id, "status": "available",
                                   "status_since": ago(600)})
        cls.agent2 = Agent.create({"user_id": cls.user2.id, "status": "available",
                                   "status_since": ago(300)})
        cls.agent3 = Agent.create({"user_id": cls.user3.id, "status": "available",
                                   "status_since": ago(900)})
        cls.agent_out = Agent.create({"user_id": cls.outsider.id, "status": "offline"})
        Extension = env["crm.callcenter.extension"]
        for number, agent in (("8101", cls.agent1), ("8102", cls.agent2),
                              ("8103", cls.agent3), ("8109", cls.agent_out)):
            Extension.create({"number": number, "connection_id": cls.connection.id,
                              "agent_id": agent.id})
        Skill = env["crm.callcenter.skill"]
        cls.skill_zh = Skill.create({"name": "ACD Mandarin"})
        cls.skill_product = Skill.create({"name": "ACD Product"})
        AgentSkill = env["crm.callcenter.agent.skill"]
        for agent, skill, level in ((cls.agent1, cls.skill_zh, 3),
                                    (cls.agent1, cls.skill_product, 2),
                                    (cls.agent2, cls.skill_zh, 5),
                                    (cls.agent2, cls.skill_product, 4),
                                    (cls.agent3, cls.skill_zh, 4)):
            AgentSkill.create({"agent_id": agent.id, "skill_id": skill.id,
                               "level": level})
        cls.level_a = env.ref("crm_core.dictionary_customer_level_a")
        cls.level_b = env.ref("crm_core.dictionary_customer_level_b")
        Queue = env["crm.callcenter.queue"]
        cls.queue_sales = Queue.create({
            "name": "ACD Sales", "code": "acd_sales",
            "connection_id": cls.connection.id,
            "agent_ids": [(6, 0, (cls.agent1 | cls.agent2 | cls.agent3).ids)],
            "skill_ids": [(6, 0, cls.skill_zh.ids)],
            "overflow_action": "voicemail", "voicemail_box": "9001"})
        cls.queue_support = Queue.create({
            "name": "ACD Support", "code": "acd_support",
            "connection_id": cls.connection.id,
            "agent_ids": [(6, 0, (cls.agent1 | cls.agent2 | cls.agent3).ids)],
            "required_skill_id": cls.skill_product.id, "required_level": 2,
            "skill_ids": [(6, 0, cls.skill_zh.ids)],
            "vip_level_ids": [(6, 0, cls.level_a.ids)],
            "service_level_seconds": 30,
            "overflow_action": "queue", "overflow_queue_id": cls.queue_sales.id})
        Partner = env["res.partner"]
        cls.vip = Partner.create({
            "name": "ACD Key Account Co", "is_company": True, "customer": True,
            "mobile": "+86 136 5555 0101", "customer_level_id": cls.level_a.id,
            "user_id": cls.user1.id, "lang": "en_US"})
        cls.regular = Partner.create({
            "name": "ACD Regular Co", "is_company": True, "customer": True,
            "phone": "+86 136 5555 0202", "customer_level_id": cls.level_b.id,
            "user_id": cls.user2.id, "lang": "en_US"})
        cls.regular_contact = Partner.create({
            "name": "ACD Regular Buyer", "parent_id": cls.regular.id,
            "mobile": "+86 136 5555 0203", "lang": "en_US"})

    @classmethod
    def call(cls, pbx_call_id, number="+8613655550999", **vals):
        values = {"connection_id": cls.connection.id, "pbx_call_id": pbx_call_id,
                  "direction": "inbound", "disposition": "ringing",
                  "caller_number": number, "caller_e164": number,
                  "customer_number": number, "start_date": ago(5)}
        values.update(vals)
        return cls.env["crm.callcenter.call"].create(values)


class AcdCase(AcdFixtures, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(AcdCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US",
                                       mail_notrack=True, tracking_disable=True))
        # the demo database speaks Chinese: messages built without a user's context
        # (background chunks, the IVR of a caller we do not know) follow the
        # superuser's and the company's language, English in these tests
        cls.env.user.lang = "en_US"
        cls.env.user.company_id.partner_id.lang = "en_US"
        cls._create_acd_records()
