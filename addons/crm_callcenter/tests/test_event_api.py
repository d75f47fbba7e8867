"""The telephony event API over real HTTP (DESIGN.md 4.3): a scripted phone system
drives ring → answer → hangup for three agents at once; resent events and retries
change nothing; a hangup that arrives before its answer still gives an answered
call; tokens, extensions and bad input are refused with the right status and
nothing written; a server fault answers JSON without a traceback."""
import json
import threading

import requests

from odoo.tools import config
from odoo.addons.crm_core.tests.http_case import ClientErrorsQuietHandler, HttpCase

from .calls_common import (CONTACT_MOBILE, TOKEN_A, TOKEN_B, CallsFixtures, at,
                           utc)

URL = "/crm_callcenter/event"


class TestEventApi(CallsFixtures, HttpCase):

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        cls._calls_fixtures()
        cls.opportunity = cls.env["crm.lead"].create({
            "name": "Calls Test Conveyor Upgrade", "type": "opportunity",
            "partner_id": cls.customer.id, "planned_revenue": 120000,
            "user_id": cls.users[0].id})
        cls.ticket = cls.env["crm.service.ticket"].create({
            "name": "Calls Test Belt Noise", "partner_id": cls.contact.id,
            "ticket_type": "fault"})

    # --- helpers ---------------------------------------------------------------------

    def send(self, payload, token=TOKEN_A, **kwargs):
        """One request, not wrapped in served() (the caller does it)."""
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers.setdefault("Authorization", "Bearer %s" % token)
        if "data" not in kwargs:
            kwargs["json"] = payload
        return requests.post(self.base_url + URL, headers=headers, timeout=60,
                             **kwargs)

    def post(self, payload, **kwargs):
        with self.served():
            return self.send(payload, **kwargs)

    def counts(self):
        """What a refused or resent event must leave as it was."""
        self.cr.execute("""
            SELECT (SELECT count(*) FROM crm_callcenter_event),
                   (SELECT count(*) FROM crm_callcenter_call),
                   (SELECT max(write_date) FROM crm_callcenter_call),
                   (SELECT count(*) FROM crm_callcenter_agent_status_log),
                   (SELECT count(*) FROM bus_bus),
                   (SELECT count(*) FROM res_partner),
                   (SELECT string_agg(status || status_since, ',' ORDER BY id)
                      FROM crm_callcenter_agent)
        """)
        return self.cr.fetchone()

    def assertJsonError(self, response, status, field=None, words=None):
        self.assertEqual(response.status_code, status, response.text)
        self.assertTrue(response.headers["Content-Type"].startswith(
            "application/json"))
        answer = response.json()
        self.assertIn("error", answer)
        self.assertNotIn("Traceback", response.text)
        if field:
            self.assertTrue(answer["error"].startswith(field + ":"), answer)
        if words:
            self.assertIn(words, answer["error"])
        return answer

    # --- the scripted phone system -----------------------------------------------

    def test_three_agents_ring_answer_hangup_at_once(self):
        """Three calls at the same time, each posted by its own thread as a phone
        system does: ring, answer after 8 + n seconds, hangup 120 s later. (The
        tests of this class share their records: this one starts later in the
        day than the others' calls, with every agent available.)"""
        base = 40000
        self.agents._set_status("available", at=utc(base - 10))
        since = self.last_bus_id()
        script = {}
        for index, user in enumerate(self.users):
            call_id = "script-%d" % index
            extension = "700%d" % (index + 1)
            caller = CONTACT_MOBILE if index == 0 else "+8613900%06d" % index
            common = {"call_id": call_id, "direction": "inbound", "from": caller,
                      "to": "4008001234"}
            script[call_id] = [
                dict(common, event="ring", extension=extension, timestamp=at(base),
                     event_id=call_id + "-r"),
                dict(common, event="answer", extension=extension,
                     timestamp=at(base + 8 + index), event_id=call_id + "-a"),
                dict(common, event="hangup", timestamp=at(base + 128 + index),
                     event_id=call_id + "-h"),
            ]
        answers, failures = {}, []
        ready = threading.Barrier(len(script))

        def run(call_id):
            try:
                ready.wait(30)
                for payload in script[call_id]:
                    response = self.send(payload)
                    answers.setdefault(call_id, []).append(
                        (response.status_code, response.json()))
            except Exception as error:  # the test reports it below
                failures.append(repr(error))

        with self.served():
            threads = [threading.Thread(target=run, args=(call_id,))
                       for call_id in script]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        self.assertEqual(failures, [])
        for index, (user, agent) in enumerate(zip(self.users, self.agents)):
            call_id = "script-%d" % index
            call = self.call_of(call_id)
            statuses = [status for status, _answer in answers[call_id]]
            self.assertEqual(statuses, [200, 200, 200], answers[call_id])
            self.assertTrue(all(answer == {
                "call_id": call.id, "partner_id": call.partner_id.id or None,
                "agent_user_id": user.id} for _s, answer in answers[call_id][1:]),
                answers[call_id])
            self.assertEqual(call.disposition, "answered")
            self.assertEqual(call.state, "ended")
            self.assertEqual((call.wait_seconds, call.talk_seconds), (8 + index, 120))
            self.assertEqual((call.start_date, call.answer_date, call.end_date),
                             (utc(base), utc(base + 8 + index),
                              utc(base + 128 + index)))
            self.assertEqual((call.user_id, call.agent_id), (user, agent))
            self.assertEqual(call.extension, "700%d" % (index + 1))
            self.assertEqual(agent.status, "after_call")
            self.assertEqual(agent.current_call_id, call)
            logs = agent.status_log_ids.filtered(lambda log: log.call_id == call)
            logs = logs.sorted(lambda log: (log.date_start, log.id))
            self.assertEqual(logs.mapped("status"),
                             ["ringing", "on_call", "after_call"])
            self.assertEqual(logs.mapped("seconds"), [8 + index, 120, 0])
            popups = self.bus_messages(user, since=since)
            self.assertEqual([p["call_id"] for p in popups], [call.id])
            statuses_pushed = [m["status"] for m in self.bus_messages(
                user, "crm_callcenter.status", since=since)]
            self.assertEqual(statuses_pushed, ["ringing", "on_call", "after_call"])
        first = self.call_of("script-0")
        self.assertEqual((first.partner_id, first.contact_id),
                         (self.customer, self.contact))
        self.assertEqual(first.caller_e164, "+8613855550101")
        popup = self.bus_messages(self.users[0], since=since)[0]
        self.assertEqual(popup["customer"]["name"], "Calls Test Trading Co")
        self.assertEqual(popup["contact"]["name"], "Calls Test Li Na")
        self.assertEqual(popup["number"], "+8613855550101")
        self.assertEqual(popup["opportunities"]["count"], 1)
        self.assertEqual(popup["opportunities"]["top"][0]["name"],
                         "Calls Test Conveyor Upgrade")
        self.assertEqual(popup["tickets"]["count"], 1)
        self.assertEqual(popup["tickets"]["top"][0]["number"], self.ticket.number)
        self.assertEqual(popup["tickets"]["top"][0]["state"], "New")
        unknown = self.bus_messages(self.users[1], since=since)[0]
        self.assertFalse(unknown["customer"])
        self.assertEqual(self.call_of("script-1").partner_id.id, False)

    # --- idempotency and ordering ----------------------------------------------------

    def test_resent_events_change_nothing(self):
        ring = self.body("ring", "resend-1", 0, extension="7001",
                         **{"from": "+8613900000077"})
        answer = self.body("answer", "resend-1", 5, extension="7001",
                           event_id="resend-1-answer")
        first = [self.post(ring), self.post(answer)]
        self.assertEqual([r.status_code for r in first], [200, 200])
        before = self.counts()
        again = [self.post(ring), self.post(answer),
                 # the same event id with other values is the same event
                 self.post(dict(answer, timestamp=at(50))),
                 # the same moment written in UTC is the same event
                 self.post(dict(ring, timestamp=utc(0).replace(" ", "T") + "Z"))]
        self.assertEqual([r.status_code for r in again], [200] * 4)
        self.assertEqual([r.json() for r in again], [first[1].json()] * 4)
        self.assertEqual(self.counts(), before)
        call = self.call_of("resend-1")
        self.assertEqual(len(call.event_ids), 2)
        self.assertEqual(call.answer_date, utc(5))

    def test_a_hangup_before_its_answer(self):
        user, agent = self.users[1], self.agents[1]
        for payload in (
                self.body("ring", "late-answer", 0, extension="7002"),
                self.body("hangup", "late-answer", 95),
                self.body("answer", "late-answer", 15, extension="7002")):
            self.assertEqual(self.post(payload).status_code, 200)
        call = self.call_of("late-answer")
        self.assertEqual(call.disposition, "answered")
        self.assertEqual((call.wait_seconds, call.talk_seconds), (15, 80))
        self.assertEqual(call.user_id, user)
        # missed when the hangup came, after-call work once the answer arrived
        self.assertEqual(agent.status, "after_call")
        logs = agent.status_log_ids.filtered(lambda log: log.call_id == call)
        self.assertEqual(logs.sorted(lambda log: (log.date_start, log.id)).mapped(
            "status"), ["ringing", "available", "after_call"])

    def test_an_end_before_its_ring(self):
        self.assertEqual(self.post(self.body("hangup", "end-first", 60)).status_code,
                         200)
        call = self.call_of("end-first")
        self.assertEqual((call.start_date, call.disposition), (utc(60), "failed"))
        self.post(self.body("ring", "end-first", 0, extension="7003",
                            **{"from": "+8613900000099"}))
        self.assertEqual((call.start_date, call.disposition, call.wait_seconds),
                         (utc(0), "no_answer", 60))
        self.assertEqual(call.caller_number, "+8613900000099")

    # --- refused requests ------------------------------------------------------------

    def test_tokens(self):
        before = self.counts()
        ring = self.body("ring", "auth-1", 0, extension="7001")
        self.assertJsonError(self.post(ring, token=None), 401, "authorization")
        self.assertJsonError(self.post(ring, token="calls-test-token-wrong"), 401)
        self.assertJsonError(self.post(ring, token=""), 401)
        basic = self.post(ring, token=None,
                          headers={"Authorization": "Basic " + TOKEN_A})
        self.assertJsonError(basic, 401)
        # the token of B with an extension of A
        refused = self.assertJsonError(self.post(ring, token=TOKEN_B), 403,
                                       "extension", "7001")
        self.assertEqual(refused["field"], "extension")
        self.assertEqual(self.counts(), before)
        # B's own extension goes through, on B
        self.assertEqual(self.post(dict(ring, extension="8001"),
                                   token=TOKEN_B).status_code, 200)
        self.assertEqual(self.call_of("auth-1", self.conn_b).user_id,
                         self.agent_b_user)
        self.assertFalse(self.call_of("auth-1"))
        # a demo token works only on a demo server (crm_demo_credentials)
        self.conn_b.demo_token = True
        saved = config.get("crm_demo_credentials")
        try:
            config["crm_demo_credentials"] = "False"
            self.assertJsonError(self.post(dict(ring, extension="8001"),
                                           token=TOKEN_B), 401)
            config["crm_demo_credentials"] = "True"
            self.assertEqual(self.post(dict(ring, call_id="auth-2", extension="8001"),
                                       token=TOKEN_B).status_code, 200)
        finally:
            config["crm_demo_credentials"] = saved
        # an archived connection's token no longer works
        self.conn_b.active = False
        self.assertJsonError(self.post(dict(ring, extension="8001"), token=TOKEN_B),
                             401)

    def test_bad_input_names_the_field_and_writes_nothing(self):
        before = self.counts()
        cases = [
            (self.body("ringing", "bad-1", 0), "event"),
            (self.body("ring", "", 0), "call_id"),
            (self.body("ring", "x" * 129, 0), "call_id"),
            (self.body("ring", "bad-1", 0, direction="up"), "direction"),
            (self.body("ring", "bad-1", 0, extension="9999"), "extension"),
            (dict(self.body("ring", "bad-1", 0), timestamp="yesterday"), "timestamp"),
            (self.body("record", "bad-1", 0, recording_url="file:///etc/passwd"),
             "recording_url"),
            (self.body("dtmf", "bad-1", 0, digits="1;2"), "digits"),
            (self.body("ring", "bad-1", 0, **{"from": {"n": 1}}), "from"),
            (self.body("ring", "bad-1", 0, agent="x"), "agent"),
            ([self.body("ring", "bad-1", 0)], "body"),
        ]
        for payload, field in cases:
            status = 403 if field == "extension" else 400
            answer = self.assertJsonError(self.post(payload), status, field)
            self.assertEqual(answer["field"], field)
        raw_cases = [b"{not json", b"\xff\xfe", b'{"event": NaN}', b"",
                     b'{"event": "ring", "event": "answer"}']
        for raw in raw_cases:
            self.assertJsonError(self.post(
                None, data=raw, headers={"Content-Type": "application/json"}), 400,
                None)
        self.assertEqual(self.counts(), before)

    def test_method_content_type_and_size(self):
        before = self.counts()
        with self.served():
            got = requests.get(self.base_url + URL, timeout=60,
                               headers={"Authorization": "Bearer " + TOKEN_A})
        self.assertJsonError(got, 405)
        form = self.post(None, data={"event": "ring"})
        self.assertJsonError(form, 415, "body")
        text = self.post(None, data=json.dumps(self.body("ring", "t", 0)),
                         headers={"Content-Type": "text/plain"})
        self.assertJsonError(text, 415, "body")
        huge = self.post(None, data=json.dumps({"event": "ring", "x": "y" * 20000}),
                         headers={"Content-Type": "application/json"})
        self.assertJsonError(huge, 413, "body")
        self.assertEqual(self.counts(), before)

    def test_a_server_fault_is_json_without_traceback(self):
        # a connection left with a timezone this server does not know (a fault on
        # our side, not the phone system's)
        self.cr.execute("UPDATE crm_callcenter_connection SET timezone = 'Mars/Base' "
                        "WHERE id = %s", (self.conn_a.id,))
        before = self.counts()
        with self.assertLogs("odoo.addons.crm_callcenter.controllers.event",
                             "ERROR") as logged:
            # a time without an offset is read in the connection's timezone
            response = self.post(self.body("ring", "fault-1", 0, extension="7001",
                                           timestamp=at(0)[:19]))
        answer = self.assertJsonError(response, 503)
        self.assertIn("send it again", answer["error"])
        self.assertIn("Traceback", "\n".join(logged.output))
        self.assertEqual(self.counts(), before)
