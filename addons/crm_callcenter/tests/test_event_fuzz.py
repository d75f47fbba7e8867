"""Fuzzed requests to the event API over real HTTP: a few hundred broken bodies
(wrong types, huge or control-character strings, missing and unknown fields,
invalid JSON, wrong content types and tokens, other connections' extensions) get a
4xx JSON answer naming what is wrong; never a 5xx, never a traceback, and nothing
is written. Seeded: the same requests on every run."""
import json
import random

import requests

from odoo.addons.crm_core.tests.http_case import ClientErrorsQuietHandler, HttpCase

from .calls_common import TOKEN_A, TOKEN_B, CallsFixtures, at

URL = "/crm_callcenter/event"
SEED = 20261122
ROUNDS = 300
FIELDS = ("event", "call_id", "event_id", "direction", "from", "to", "extension",
          "queue", "timestamp", "recording_url", "digits", "cause")
REQUIRED = ("event", "call_id", "timestamp")
#: values no field accepts
WRONG_TYPES = (0, 1.5, -7, True, False, [], ["ring"], {}, {"a": 1}, [[[]]])
#: per field, text it refuses
BAD_TEXT = {
    "event": ["Ring", "ringing", "hang up", "", "ring\x00"],
    "call_id": ["", "x" * 129, "a\nb", "\u0000", "\u202e" * 3],
    "event_id": ["x" * 129, "a\tb", "\x1b[31m"],
    "direction": ["in", "INBOUND", "sideways", "out\nbound"],
    "from": ["call me", "+86 138 0013 8000 ext", "1" * 70, "☎13800138000",
             "<script>"],
    "to": ["drop table", "+", "()", "4008001234;"],
    "extension": ["10 01", "x" * 33, "1001/2", "分机1001", "9999"],
    "queue": ["sales team", "q" * 65, "a/b", "q;1"],
    "timestamp": ["yesterday", "2026-11-22", "22/11/2026 10:15",
                  "2026-02-30T10:00:00Z", "2026-11-22T25:00:00Z",
                  "2026-11-22T10:15:00+99:00", "1999-01-01T00:00:00Z",
                  "2999-01-01T00:00:00Z", "0000-00-00T00:00:00Z", "1e10"],
    "recording_url": ["ftp://pbx/r.wav", "javascript:alert(1)", "https://",
                      "//pbx/r.wav", "https://pbx/a b.wav", "file:///etc/passwd",
                      "https://[::1/x"],
    "digits": ["1a", "12 3", "#" * 33, "１２"],
    "cause": ["angry", "BUSY", "no answer"],
}
CONTENT_TYPES = ("text/plain", "application/x-www-form-urlencoded",
                 "application/xml", "multipart/form-data; boundary=x", "")


class TestEventFuzz(CallsFixtures, HttpCase):

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        cls._calls_fixtures()

    def valid(self, rng):
        index = rng.randint(0, 10 ** 6)
        return {"event": "ring", "call_id": "fuzz-%d" % index,
                "event_id": "fuzz-%d-ring" % index, "direction": "inbound",
                "from": "+8613800138000", "to": "4008001234", "extension": "7001",
                "queue": "sales", "timestamp": at(index % 3600)}

    def broken(self, rng):
        """(method, headers, data) of one request that must be refused."""
        body = self.valid(rng)
        headers = {"Authorization": "Bearer " + TOKEN_A,
                   "Content-Type": "application/json"}
        kind = rng.choice(["missing", "type", "text", "unknown", "huge", "shape",
                           "json", "content_type", "token", "extension", "event",
                           "combo"])
        if kind == "missing":
            del body[rng.choice(REQUIRED)]
        elif kind == "type":
            body[rng.choice(FIELDS)] = rng.choice(WRONG_TYPES)
        elif kind == "text":
            field = rng.choice(sorted(BAD_TEXT))
            body[field] = rng.choice(BAD_TEXT[field])
            if field == "cause":
                body["event"] = "hangup"
        elif kind == "unknown":
            body[rng.choice(["agent", "Event", "callId", "", "\u0000", "x" * 300,
                             "from ", "__proto__"])] = "1"
        elif kind == "huge":
            body[rng.choice(FIELDS)] = "9" * rng.choice([200, 3000, 17000, 70000])
        elif kind == "shape":
            body = rng.choice([[body], "ring", 42, None, True, [], [[[[]]]]])
        elif kind == "json":
            text = json.dumps(body)
            data = rng.choice([
                text[:rng.randint(1, len(text) - 1)],
                text.replace('"', "'"),
                text + "}",
                "{" * 5000 + "}" * 5000,
                "[" * 100000 + "]" * 100000,
                '{"event": NaN, "call_id": "x", "timestamp": "%s"}' % at(0),
                '{"event": Infinity}',
                text.replace('"ring"', '"ring", "event": "answer"'),
            ]).encode("utf-8")
            if rng.random() < 0.2:
                data = b"\xff\xfe\x00" + data
            return "POST", headers, data
        elif kind == "content_type":
            headers["Content-Type"] = rng.choice(CONTENT_TYPES)
            if not headers["Content-Type"]:
                del headers["Content-Type"]
        elif kind == "token":
            choice = rng.choice(["none", "wrong", "basic", "empty", "case", "long"])
            if choice == "none":
                del headers["Authorization"]
            else:
                headers["Authorization"] = {
                    "wrong": "Bearer " + TOKEN_A[:-1] + "x",
                    "basic": "Basic " + TOKEN_A,
                    "empty": "Bearer ",
                    "case": "Bearer " + TOKEN_A.upper(),
                    "long": "Bearer " + TOKEN_A * 50,
                }[choice]
        elif kind == "extension":
            # an extension of connection B posted with A's token, or the reverse
            if rng.random() < 0.5:
                body["extension"] = "8001"
            else:
                headers["Authorization"] = "Bearer " + TOKEN_B
        elif kind == "event":
            body["event"] = rng.choice(["dtmf", "record", "transfer", "queue"])
            for field in ("digits", "recording_url", "extension", "queue"):
                body.pop(field, None)
        else:
            for field in rng.sample(FIELDS, 3):
                body[field] = rng.choice(WRONG_TYPES + ("",))
            if not any(body.get(f) in (None, "") or not isinstance(body.get(f), str)
                       for f in REQUIRED):
                body["event"] = 0
        method = "PUT" if rng.random() < 0.03 else "POST"
        return method, headers, json.dumps(body).encode("utf-8")

    def counts(self):
        self.cr.execute("""
            SELECT (SELECT count(*) FROM crm_callcenter_event),
                   (SELECT count(*) FROM crm_callcenter_call),
                   (SELECT count(*) FROM crm_callcenter_agent_status_log),
                   (SELECT count(*) FROM bus_bus),
                   (SELECT string_agg(status, ',' ORDER BY id)
                      FROM crm_callcenter_agent)
        """)
        return self.cr.fetchone()

    def test_fuzzed_requests_are_refused_cleanly(self):
        rng = random.Random(SEED)
        before = self.counts()
        seen = {}
        problems = []
        with self.served():
            session = requests.Session()
            for _round in range(ROUNDS):
                method, headers, data = self.broken(rng)
                response = session.request(method, self.base_url + URL, data=data,
                                           headers=headers, timeout=60)
                seen[response.status_code] = seen.get(response.status_code, 0) + 1
                problem = self.problem(response)
                if problem:
                    problems.append("%s %r -> %s" % (
                        problem, data[:200], response.text[:300]))
        self.assertEqual(problems, [])
        self.assertEqual(self.counts(), before)
        # the fuzz reached every kind of refusal
        self.assertTrue({400, 401, 403, 405, 413, 415} <= set(seen), seen)
        # and a good event still goes through afterwards
        with self.served():
            good = requests.post(self.base_url + URL, json=self.valid(rng),
                                 headers={"Authorization": "Bearer " + TOKEN_A},
                                 timeout=60)
        self.assertEqual(good.status_code, 200, good.text)

    @staticmethod
    def problem(response):
        """Why ``response`` is not a clean refusal, or None."""
        if not 400 <= response.status_code < 500:
            return "status %d" % response.status_code
        if not response.headers.get("Content-Type", "").startswith(
                "application/json"):
            return "not JSON"
        try:
            answer = response.json()
        except ValueError:
            return "invalid JSON"
        if not isinstance(answer.get("error"), str) or not answer["error"]:
            return "no error message"
        if "Traceback" in response.text:
            return "traceback"
        return None
