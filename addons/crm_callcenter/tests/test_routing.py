"""Routing (ACD) in the database and over real HTTP: the owner first, then skills,
then the longest available; VIP callers ahead; the decision logged on the call;
retries answered the same; overflow; bad requests refused with nothing written;
two concurrent decisions never give the same agent; queues' access rights."""
import json

import requests
from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError
from odoo.tests.common import TransactionCase

from odoo.addons.crm_core.tests.http_case import ClientErrorsQuietHandler, HttpCase

from .acd_common import TOKEN, AcdCase, AcdFixtures, ago


class TestRoute(AcdCase):

    def test_the_owner_first(self):
        """The VIP customer's owner (agent 1) gets the call although agent 3 is
        available longer and agent 2 has better skills."""
        call = self.call("own-1", "+8613655550101")
        answer = self.queue_support._route(call)
        self.assertEqual(answer["action"], "agent")
        self.assertEqual(answer["extension"], "8101")
        self.assertEqual(answer["agent_user_id"], self.user1.id)
        self.assertEqual(answer["reason"], "owner")
        self.assertEqual(call.agent_id, self.agent1)
        self.assertEqual(call.user_id, self.user1)
        self.assertEqual(call.partner_id, self.vip)
        self.assertEqual(call.queue_id, self.queue_support)
        self.assertEqual(call.queue, "acd_support")
        self.assertEqual(call.priority, 1)
        self.assertEqual(call.route_rule, "owner")
        self.assertIn("owner", call.route_reason)
        self.assertIn("VIP", call.route_reason)
        self.assertTrue(call.queued_date)
        self.assertEqual(self.agent1.status, "ringing")

    def test_best_skill_then_longest_available(self):
        # unknown caller; agent 2 has the best Mandarin
        first = self.queue_sales._route(self.call("skill-1"))
        self.assertEqual((first["extension"], first["reason"]), ("8102", "skill"))
        # agent 2 now rings: agent 3 (Mandarin 4) beats agent 1 (Mandarin 3)
        second = self.queue_sales._route(self.call("skill-2"))
        self.assertEqual(second["extension"], "8103")
        # only agent 1 is left
        third = self.queue_sales._route(self.call("skill-3"))
        self.assertEqual((third["extension"], third["reason"]), ("8101", "only_agent"))

    def test_equal_skills_longest_available(self):
        self.queue_sales.skill_ids = False
        answer = self.queue_sales._route(self.call("idle-1"))
        # agent 3 is available since 900 s, agent 1 600 s, agent 2 300 s
        self.assertEqual((answer["extension"], answer["reason"]),
                         ("8103", "longest_idle"))

    def test_required_skill(self):
        """Agent 3 lacks the product skill: never offered a support call."""
        (self.agent1 | self.agent2).write({"status": "on_call"})
        answer = self.queue_support._route(self.call("req-1"))
        self.assertEqual(answer["action"], "wait")
        self.assertEqual(answer["position"], 1)
        self.assertEqual(self.agent3.status, "available")

    def test_owner_busy_goes_to_another_agent(self):
        self.agent1.write({"status": "on_call"})
        call = self.call("busy-owner", "+8613655550101")
        answer = self.queue_support._route(call)
        self.assertEqual(answer["extension"], "8102")
        self.assertEqual(answer["reason"], "only_agent")

    def test_vip_waits_ahead(self):
        (self.agent1 | self.agent2 | self.agent3).write({"status": "on_call"})
        early = self.call("wait-1", "+8613655550202")
        later = self.call("wait-2", "+8613655550303")
        vip = self.call("wait-3", "+8613655550101")
        self.assertEqual(self.queue_support._route(early, at=ago(30))["position"], 1)
        self.assertEqual(self.queue_support._route(later, at=ago(20))["position"], 2)
        answer = self.queue_support._route(vip, at=ago(10))
        self.assertEqual(answer["position"], 1)
        self.assertEqual(vip.route_rule, "waiting")
        self.assertIn("position 1", vip.route_reason)
        again = self.queue_support._route(early, at=ago(5))
        self.assertEqual(again["position"], 2)
        # an agent frees up: the VIP call is first, the others must wait
        self.agent2.write({"status": "available"})
        self.assertEqual(self.queue_support._route(later)["action"], "wait")
        self.assertEqual(self.queue_support._route(vip)["extension"], "8102")

    def test_same_request_twice_same_answer(self):
        call = self.call("retry-1")
        stamp = ago(3)
        first = self.queue_sales._route(call, stamp=stamp)
        second = self.queue_sales._route(call, stamp=stamp)
        self.assertEqual(first, second)
        self.assertEqual(self.agent2.status, "ringing")
        self.assertEqual(self.agent3.status, "available")

    def test_asking_again_means_the_agent_did_not_answer(self):
        call = self.call("noanswer-1")
        first = self.queue_sales._route(call, stamp=ago(20))
        self.assertEqual(first["extension"], "8102")
        second = self.queue_sales._route(call, stamp=ago(2))
        self.assertEqual(second["extension"], "8103")
        self.assertEqual(self.agent2.status, "available")
        self.assertEqual(self.agent3.status, "ringing")
        self.assertEqual(call.agent_id, self.agent3)

    def test_overflow(self):
        (self.agent1 | self.agent2 | self.agent3).write({"status": "offline"})
        to_voicemail = self.queue_sales._route(self.call("over-1"))
        self.assertEqual(to_voicemail["action"], "voicemail")
        self.assertEqual(to_voicemail["extension"], "9001")
        moved = self.call("over-2")
        to_queue = self.queue_support._route(moved)
        self.assertEqual((to_queue["action"], to_queue["queue"]),
                         ("queue", "acd_sales"))
        self.assertEqual(moved.route_rule, "overflow")
        self.assertIn("ACD Sales", moved.route_reason)

    def test_maximum_wait(self):
        (self.agent1 | self.agent2 | self.agent3).write({"status": "on_call"})
        self.queue_sales.max_wait_seconds = 60
        call = self.call("maxwait-1")
        self.assertEqual(self.queue_sales._route(call, at=ago(70))["action"], "wait")
        self.assertEqual(self.queue_sales._route(call)["action"], "voicemail")

    def test_status_method_logs_since(self):
        # after the agent's current status began (status times never go back)
        at = ago(60)
        changed = self.agent1._acd_set_status("break", at=at)
        self.assertEqual(changed, self.agent1)
        self.assertEqual(self.agent1.status_since, at)
        log = self.agent1.status_log_ids.filtered(lambda row: not row.date_end)
        self.assertEqual((log.status, log.date_start, log.reason),
                         ("break", at, "Set by routing"))
        self.assertFalse(self.agent1._acd_set_status("break"))

    def test_queue_access(self):
        queues = self.env["crm.callcenter.queue"]
        self.assertEqual(queues.sudo(self.user3).browse(self.queue_sales.id).name,
                         "ACD Sales")
        with self.assertRaises(AccessError):
            self.queue_sales.sudo(self.user3).write({"service_level_seconds": 5})
        with self.assertRaises(AccessError):
            queues.sudo(self.user3).create({
                "name": "Mine", "code": "mine", "connection_id": self.connection.id})
        self.queue_sales.sudo(self.supervisor).write({"service_level_seconds": 15})
        self.assertEqual(self.queue_sales.service_level_seconds, 15)
        with self.assertRaises(AccessError):
            self.env["crm.callcenter.skill"].sudo(self.user3).create({"name": "X"})
        self.env["crm.callcenter.skill"].sudo(self.supervisor).create({"name": "X"})


class TestRouteHttp(AcdFixtures, HttpCase):
    """POST /crm_callcenter/route over real HTTP, served from the test's own
    transaction (see crm_core's http_case)."""

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        cls._create_acd_records()

    def post(self, payload, token=TOKEN, raw=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer %s" % token
        data = raw if raw is not None else json.dumps(payload)
        return requests.post(self.base_url + "/crm_callcenter/route", data=data,
                             headers=headers, timeout=30)

    def count_calls(self):
        return self.env["crm.callcenter.call"].search_count(
            [("connection_id", "=", self.connection.id)])

    def test_route_over_http(self):
        with self.served():
            answer = self.post({"call_id": "http-1", "queue": "acd_support",
                                "from": "+86 136 5555 0101",
                                "timestamp": "2026-11-22T10:15:00+08:00"})
            again = self.post({"call_id": "http-1", "queue": "acd_support",
                               "from": "+86 136 5555 0101",
                               "timestamp": "2026-11-22T10:15:00+08:00"})
        self.assertEqual(answer.status_code, 200, answer.text)
        body = answer.json()
        self.assertEqual(body["extension"], "8101")
        self.assertEqual(body["agent_user_id"], self.user1.id)
        self.assertEqual(body["reason"], "owner")
        self.assertEqual(body["position"], 0)
        self.assertEqual(again.json(), body)
        call = self.env["crm.callcenter.call"].search(
            [("pbx_call_id", "=", "http-1")])
        self.assertEqual(call.caller_e164, "+8613655550101")
        self.assertEqual(call.partner_id, self.vip)
        self.assertEqual(call.routed_date, "2026-11-22 02:15:00")
        self.assertEqual(call.route_rule, "owner")

    def test_wrong_token(self):
        before = self.count_calls()
        with self.served():
            missing = self.post({"call_id": "x", "queue": "acd_sales"}, token=None)
            wrong = self.post({"call_id": "x", "queue": "acd_sales"},
                              token="not-the-token-of-anyone")
        self.assertEqual(missing.status_code, 401)
        self.assertEqual(wrong.status_code, 401)
        self.assertIn("token", wrong.json()["error"])
        self.assertEqual(self.count_calls(), before)

    def test_bad_input_names_the_field_and_writes_nothing(self):
        cases = [
            ({"queue": "acd_sales"}, "call_id"),
            ({"call_id": "bad-1"}, "queue"),
            ({"call_id": "bad-2", "queue": "nope"}, "queue"),
            ({"call_id": 12, "queue": "acd_sales"}, "call_id"),
            ({"call_id": "bad-3", "queue": "acd_sales", "timestamp": "noon"},
             "timestamp"),
            ({"call_id": "bad-4", "queue": "acd_sales", "from": ["1"]}, "from"),
            ({"call_id": "x" * 300, "queue": "acd_sales"}, "call_id"),
        ]
        before = self.count_calls()
        with self.served():
            answers = [(self.post(payload), field) for payload, field in cases]
            not_json = self.post(None, raw="call_id=1")
            not_object = self.post(None, raw="[1, 2]")
        for answer, field in answers:
            self.assertEqual(answer.status_code, 400, answer.text)
            self.assertEqual(answer.json()["field"], field, answer.text)
            self.assertIn(field, answer.json()["error"])
        self.assertEqual(not_json.status_code, 400)
        self.assertEqual(not_object.json()["field"], "body")
        self.assertEqual(self.count_calls(), before)

    def test_fuzz_never_500(self):
        payloads = [None, 0, "", "{}", "null", "true", "\x00", "{\"call_id\": null}",
                    json.dumps({"call_id": {"a": 1}, "queue": "acd_sales"}),
                    json.dumps({"call_id": "f", "queue": "acd_sales",
                                "timestamp": 12}),
                    json.dumps({"call_id": "f", "queue": "acd_sales",
                                "from": "\u202e13800138000"}),
                    json.dumps({"call_id": "f2", "queue": "acd_sales",
                                "timestamp": "9999-99-99T99:99:99"}),
                    "{" * 5000]
        with self.served():
            codes = [self.post(None, raw=json.dumps(p) if not isinstance(p, str)
                               else p).status_code for p in payloads]
        self.assertTrue(all(code < 500 for code in codes), codes)


class TestConcurrentRouting(TransactionCase):
    """Two routing decisions at the same moment, in two real (committed)
    transactions cleaned up afterwards: the agent taken by the first, not yet
    committed, is skipped by the second."""

    def test_two_calls_two_agents(self):
        registry = self.registry
        ids = {}
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            connection = env["crm.callcenter.connection"].create({
                "name": "Race PBX", "token": "race-token-0123456789abcdef"})
            users = [env["res.users"].with_context(no_reset_password=True).create({
                "name": "Race Agent %d" % n, "login": "acd_race_%d" % n,
                "groups_id": [(6, 0, env.ref(
                    "crm_core.group_callcenter_agent").ids)]}) for n in (1, 2)]
            agents = env["crm.callcenter.agent"]
            for n, user in enumerate(users):
                agent = agents.create({"user_id": user.id, "status": "available",
                                       "status_since": ago(100 * (n + 1))})
                env["crm.callcenter.extension"].create({
                    "number": "77%d" % n, "connection_id": connection.id,
                    "agent_id": agent.id})
                agents |= agent
            queue = env["crm.callcenter.queue"].create({
                "name": "Race", "code": "race", "connection_id": connection.id,
                "agent_ids": [(6, 0, agents.ids)]})
            calls = [env["crm.callcenter.call"].create({
                "connection_id": connection.id, "pbx_call_id": "race-%d" % n})
                for n in (1, 2)]
            ids = {"connection": connection.id, "users": [u.id for u in users],
                   "queue": queue.id, "calls": [c.id for c in calls],
                   "agents": agents.ids}

        def cleanup():
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["crm.callcenter.call"].browse(ids["calls"]).unlink()
                env["crm.callcenter.queue"].browse(ids["queue"]).unlink()
                env["crm.callcenter.agent"].browse(ids["agents"]).unlink()
                env["crm.callcenter.connection"].browse(ids["connection"]).unlink()
                users = env["res.users"].browse(ids["users"])
                partners = users.mapped("partner_id")
                users.unlink()
                partners.unlink()
                env["bus.bus"].search([("channel", "like", "crm.callcenter")]).unlink()

        self.addCleanup(cleanup)
        first_cr, second_cr = registry.cursor(), registry.cursor()
        try:
            answers = []
            for cr, call_id in ((first_cr, ids["calls"][0]),
                                (second_cr, ids["calls"][1])):
                env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                queue = env["crm.callcenter.queue"].browse(ids["queue"])
                answers.append(queue._route(env["crm.callcenter.call"].browse(call_id)))
            first_cr.commit()
            second_cr.commit()
        finally:
            first_cr.close()
            second_cr.close()
        self.assertEqual({a["action"] for a in answers}, {"agent"})
        self.assertNotEqual(answers[0]["extension"], answers[1]["extension"])
