"""The event API's checks and the derivation of a call from its events, whatever
order they arrive in (no database)."""
import unittest
from datetime import datetime, timedelta

from ..lib.events import (EventError, derive, event_key, extension_phases,
                          parse_timestamp, phase_changes, validate)

NOW = datetime(2026, 11, 22, 3, 0, 0)
T0 = datetime(2026, 11, 22, 2, 15, 0)


def body(**values):
    payload = {"event": "ring", "call_id": "1700000000.42",
               "timestamp": "2026-11-22T10:15:00+08:00"}
    payload.update(values)
    return {key: value for key, value in payload.items() if value is not None}


def event(kind, seconds, seq=None, **values):
    values.update(event=kind, timestamp=T0 + timedelta(seconds=seconds),
                  seq=seq if seq is not None else seconds)
    return values


class TestValidate(unittest.TestCase):

    def check(self, payload):
        return validate(payload, "Asia/Shanghai", now=NOW)

    def assertRefused(self, payload, field, words):
        with self.assertRaises(EventError) as caught:
            self.check(payload)
        self.assertEqual(caught.exception.field, field, payload)
        self.assertIn(words, str(caught.exception))
        self.assertTrue(str(caught.exception).startswith(field + ": "))

    def test_a_full_event(self):
        clean = self.check(body(
            event="answer", event_id="e-1", direction="inbound",
            **{"from": "+8613800138000", "to": "4008001234", "extension": "1001",
               "queue": "sales", "recording_url": "https://pbx.example.cn/r/1.wav",
               "digits": "2#"}))
        self.assertEqual(clean["timestamp"], datetime(2026, 11, 22, 2, 15))
        self.assertEqual(clean["from_number"], "+8613800138000")
        self.assertEqual(clean["to_number"], "4008001234")
        self.assertEqual((clean["extension"], clean["queue"], clean["digits"]),
                         ("1001", "sales", "2#"))
        self.assertIsNone(clean["cause"])

    def test_times_with_and_without_an_offset(self):
        cases = {
            "2026-11-22T10:15:00+08:00": datetime(2026, 11, 22, 2, 15),
            "2026-11-22T02:15:00Z": datetime(2026, 11, 22, 2, 15),
            "2026-11-22 02:15:00.250-0000": datetime(2026, 11, 22, 2, 15, 0, 250000),
            "2026-11-21T21:15-05:00": datetime(2026, 11, 22, 2, 15),
            # no offset: the connection's timezone (Shanghai, UTC+8)
            "2026-11-22T10:15:00": datetime(2026, 11, 22, 2, 15),
        }
        for raw, expected in cases.items():
            self.assertEqual(self.check(body(timestamp=raw))["timestamp"], expected,
                             raw)
        self.assertEqual(parse_timestamp("2026-07-01T12:00:00", "Europe/Berlin"),
                         datetime(2026, 7, 1, 10, 0))

    def test_each_problem_names_its_field(self):
        cases = [
            ([1], "body", "JSON object"),
            (body(event="ringing"), "event", "must be one of"),
            (body(event=None), "event", "is required"),
            (body(call_id=""), "call_id", "is required"),
            (body(call_id=None), "call_id", "is required"),
            (body(call_id="x" * 129), "call_id", "longer than 128"),
            (body(call_id=42), "call_id", "must be text"),
            (body(call_id="a\x00b"), "call_id", "control character"),
            (body(event_id="e\n1"), "event_id", "control character"),
            (body(direction="sideways"), "direction", "must be one of"),
            (body(**{"from": "call me"}), "from", "not a phone number"),
            (body(**{"to": ["4008001234"]}), "to", "must be text"),
            (body(extension="10 01"), "extension", "not an extension"),
            (body(extension=1001), "extension", "must be text"),
            (body(queue="sales team"), "queue", "not a queue code"),
            (body(timestamp=None), "timestamp", "is required"),
            (body(timestamp="22/11/2026 10:15"), "timestamp", "ISO 8601"),
            (body(timestamp="2026-13-01T00:00:00Z"), "timestamp", "ISO 8601"),
            (body(timestamp="2026-11-22T10:15:00+25:00"), "timestamp", "ISO 8601"),
            (body(timestamp="1999-12-31T23:00:00Z"), "timestamp", "between 2000"),
            (body(timestamp="2026-11-24T03:00:00Z"), "timestamp", "between 2000"),
            (body(timestamp=1763777700), "timestamp", "must be text"),
            (body(recording_url="ftp://pbx/r.wav"), "recording_url", "http"),
            (body(recording_url="javascript:alert(1)"), "recording_url", "http"),
            (body(recording_url="https:///r.wav"), "recording_url", "http"),
            (body(recording_url="https://pbx/r 1.wav"), "recording_url", "space"),
            (body(digits="12a"), "digits", "DTMF"),
            (body(event="dtmf"), "digits", "required for a dtmf"),
            (body(event="record"), "recording_url", "required for a record"),
            (body(event="transfer"), "extension", "required for a transfer"),
            (body(event="queue"), "queue", "required for a queue"),
            (body(cause="busy"), "cause", "only given with a hangup"),
            (body(event="hangup", cause="angry"), "cause", "must be one of"),
            (body(caller="+8613800138000"), "caller", "not a field"),
        ]
        for payload, field, words in cases:
            self.assertRefused(payload, field, words)

    def test_hidden_caller_ids_and_nulls(self):
        clean = self.check(body(**{"from": "Anonymous", "to": None,
                                   "recording_url": None}))
        self.assertEqual(clean["from_number"], "Anonymous")
        self.assertIsNone(clean["to_number"])
        self.assertIsNone(clean["recording_url"])

    def test_event_key(self):
        first = self.check(body())
        self.assertEqual(event_key(first), event_key(self.check(body())))
        # the same moment written another way is the same event
        same = self.check(body(timestamp="2026-11-22T02:15:00Z"))
        self.assertEqual(event_key(first), event_key(same))
        other = self.check(body(extension="1002"))
        self.assertNotEqual(event_key(first), event_key(other))
        self.assertEqual(event_key(self.check(body(event_id="abc"))), "id:abc")


class TestDerive(unittest.TestCase):

    def test_answered_call(self):
        call = derive([
            event("ring", 0, extension="1001", direction="inbound",
                  from_number="+8613800138000", to_number="4008001234"),
            event("answer", 12, extension="1001"),
            event("hangup", 312),
        ])
        self.assertEqual(call["disposition"], "answered")
        self.assertEqual(call["state"], "ended")
        self.assertEqual((call["wait_seconds"], call["talk_seconds"]), (12, 300))
        self.assertEqual(call["start_date"], T0)
        self.assertEqual(call["answer_date"], T0 + timedelta(seconds=12))
        self.assertEqual(call["end_date"], T0 + timedelta(seconds=312))
        self.assertEqual(call["caller_number"], "+8613800138000")
        self.assertEqual(call["extension"], "1001")

    def test_arrival_order_does_not_matter(self):
        events = [
            event("ring", 0, seq=3, extension="1001", from_number="138"),
            event("answer", 12, seq=2, extension="1001"),
            event("hangup", 312, seq=1),
        ]
        in_order = derive(sorted(events, key=lambda e: e["timestamp"]))
        self.assertEqual(derive(events), in_order)
        # a hangup before its answer: answered, with the right wait and talk
        partial = derive([events[2], events[0]])
        self.assertEqual(partial["disposition"], "no_answer")
        self.assertEqual(derive(events)["disposition"], "answered")
        # an end before any ring: the start is the earliest event
        early = derive([events[2]])
        self.assertEqual(early["start_date"], T0 + timedelta(seconds=312))
        self.assertEqual(derive([events[2], events[0]])["start_date"], T0)

    def test_dispositions(self):
        cases = [
            ([event("ring", 0, extension="1"), event("hangup", 20)], "no_answer"),
            ([event("ring", 0), event("hangup", 20, cause="busy")], "busy"),
            ([event("hangup", 0, cause="failed")], "failed"),
            ([event("hangup", 0)], "failed"),
            ([event("queue", 0, queue="sales"), event("hangup", 40)], "abandoned"),
            ([event("queue", 0, queue="sales"), event("ring", 5, extension="1"),
              event("hangup", 40)], "abandoned"),
            ([event("ring", 0), event("record", 25, recording_url="https://x/v"),
              event("hangup", 60)], "voicemail"),
            ([event("ring", 0), event("answer", 3),
              event("record", 4, recording_url="https://x/r"), event("hangup", 60)],
             "answered"),
            ([event("ring", 0)], "ringing"),
        ]
        for events, disposition in cases:
            self.assertEqual(derive(events)["disposition"], disposition, events)

    def test_states_queue_wait_ivr_and_transfer(self):
        events = [
            event("ring", 0),
            event("dtmf", 5, digits="2"),
            event("dtmf", 8, digits="1"),
            event("queue", 10, queue="service"),
            event("ring", 30, extension="1001", queue="service"),
            event("answer", 40, extension="1001"),
            event("transfer", 100, extension="1002"),
            event("answer", 104, extension="1002"),
        ]
        call = derive(events)
        self.assertEqual(call["ivr_path"], "2>1")
        self.assertEqual(call["queue"], "service")
        self.assertEqual(call["wait_seconds"], 30)  # in the queue until answered
        self.assertEqual(call["state"], "talking")
        self.assertEqual(call["extension"], "1002")
        self.assertEqual(derive(events[:4])["state"], "queued")
        self.assertEqual(derive(events[:5])["state"], "ringing")

    def test_agents_phases(self):
        ring_a = event("ring", 0, extension="A")
        ring_b = event("ring", 1, extension="B")
        answer_b = event("answer", 5, extension="B")
        transfer_c = event("transfer", 60, extension="C")
        hangup = event("hangup", 90)
        self.assertEqual(extension_phases([ring_a, ring_b]),
                         {"A": "ringing", "B": "ringing"})
        self.assertEqual(extension_phases([ring_a, ring_b, answer_b]),
                         {"A": "done_missed", "B": "on_call"})
        self.assertEqual(extension_phases([ring_a, ring_b, answer_b, transfer_c]),
                         {"A": "done_missed", "B": "done_answered", "C": "ringing"})
        self.assertEqual(extension_phases([hangup, answer_b, ring_a, ring_b]),
                         {"A": "done_missed", "B": "done_answered"})
        before = extension_phases([ring_a, hangup])
        after = extension_phases([ring_a, hangup, event("answer", 2, extension="A")])
        self.assertEqual(phase_changes(before, after), {"A": "done_answered"})
        self.assertEqual(phase_changes(after, after), {})
