"""Reading CDR files (no database): Master.csv columns, times in the PBX's
timezone, dispositions, durations, and a clear error per bad row."""
import os
import unittest
from datetime import datetime

from ..lib import api, cdr

MASTER = dict(enumerate(cdr.MASTER_COLUMNS))
DATA = os.path.join(os.path.dirname(__file__), "data", "Master.csv")


def master_row(**values):
    row = {name: "" for name in cdr.MASTER_COLUMNS}
    row.update({"src": "13800138000", "dst": "4008001234", "lastapp": "Queue",
                "lastdata": "support,t,,,300", "start": "2024-11-22 10:00:00",
                "answer": "2024-11-22 10:00:12", "end": "2024-11-22 10:02:12",
                "duration": "132", "billsec": "120", "disposition": "ANSWERED",
                "uniqueid": "1732240800.17", "dstchannel": "SIP/8001-0000002a"})
    row.update(values)
    return [row[name] for name in cdr.MASTER_COLUMNS]


class TestParseRow(unittest.TestCase):

    def test_answered_call_in_shanghai_time(self):
        row = cdr.parse_row(master_row(), MASTER, "Asia/Shanghai")
        self.assertEqual(row["start"], datetime(2024, 11, 22, 2, 0, 0))
        self.assertEqual(row["answer"], datetime(2024, 11, 22, 2, 0, 12))
        self.assertEqual(row["end"], datetime(2024, 11, 22, 2, 2, 12))
        self.assertEqual((row["talk_seconds"], row["wait_seconds"]), (120, 12))
        self.assertEqual(row["disposition"], "answered")
        self.assertEqual(row["queue"], "support")
        self.assertEqual(row["dstchannel"], "SIP/8001-0000002a")
        self.assertEqual(cdr.call_key(row), "1732240800.17")

    def test_timezone(self):
        utc = cdr.parse_row(master_row(), MASTER, "UTC")
        berlin = cdr.parse_row(master_row(), MASTER, "Europe/Berlin")
        self.assertEqual(utc["start"], datetime(2024, 11, 22, 10, 0, 0))
        self.assertEqual(berlin["start"], datetime(2024, 11, 22, 9, 0, 0))

    def test_dispositions(self):
        cases = [
            ({"disposition": "NO ANSWER", "lastapp": "Dial", "billsec": "0",
              "answer": ""}, "no_answer"),
            ({"disposition": "NO ANSWER", "billsec": "0", "answer": ""},
             "abandoned"),
            ({"disposition": "BUSY", "billsec": "0", "answer": ""}, "busy"),
            ({"disposition": "FAILED", "billsec": "0", "answer": ""}, "failed"),
            ({"disposition": "CONGESTION", "billsec": "0", "answer": ""}, "failed"),
            ({"lastapp": "VoiceMail", "lastdata": "9001@default"}, "voicemail"),
        ]
        for values, expected in cases:
            row = cdr.parse_row(master_row(**values), MASTER, "UTC")
            self.assertEqual(row["disposition"], expected, values)
            if expected != "voicemail":
                self.assertEqual(row["talk_seconds"], 0)
        unanswered = cdr.parse_row(master_row(disposition="BUSY", billsec="0",
                                              answer=""), MASTER, "UTC")
        self.assertEqual(unanswered["wait_seconds"], 132)
        self.assertIsNone(unanswered["answer"])

    def test_key_without_uniqueid(self):
        row = cdr.parse_row(master_row(uniqueid=""), MASTER, "Asia/Shanghai")
        self.assertEqual(cdr.call_key(row),
                         "cdr:2024-11-22 02:00:00|13800138000|4008001234")

    def test_durations_from_times_when_missing(self):
        layout = {0: "src", 1: "dst", 2: "start", 3: "answer", 4: "end",
                  5: "disposition"}
        row = cdr.parse_row(["8001", "13800138000", "2024-11-22 10:00:00",
                             "2024-11-22 10:00:05", "2024-11-22 10:01:05",
                             "ANSWERED"], layout, "UTC")
        self.assertEqual((row["duration"], row["billsec"]), (65, 60))
        self.assertEqual((row["talk_seconds"], row["wait_seconds"]), (60, 5))

    def test_bad_rows_name_their_column(self):
        cases = [
            (master_row()[:5], "expected at least 18 columns"),
            (master_row(start="2024-11-22 25:61:00"), "start:"),
            (master_row(start=""), "start: the call has no start time"),
            (master_row(duration="-30"), "duration:"),
            (master_row(billsec="abc"), "billsec:"),
            (master_row(billsec="500"), "billsec: 500 is longer"),
            (master_row(disposition="HUNG UP"), "disposition:"),
            (master_row(src="", dst=""), "src, dst:"),
            (master_row(src="DROP TABLE"), "src:"),
            (master_row(end="2024-11-22 09:00:00"), "end: before the start"),
            (master_row(uniqueid="x" * 200), "uniqueid:"),
        ]
        for fields, message in cases:
            with self.assertRaises(cdr.CdrError) as caught:
                cdr.parse_row(fields, MASTER, "UTC")
            self.assertIn(message, str(caught.exception))

    def test_layout(self):
        cdr.check_layout(MASTER)
        with self.assertRaisesRegex(cdr.CdrFileError, "no column holds start"):
            cdr.check_layout({0: "src", 1: "dst", 2: "disposition"})
        with self.assertRaisesRegex(cdr.CdrFileError, "both hold src"):
            cdr.check_layout({0: "src", 1: "src", 2: "dst", 3: "start",
                              4: "disposition"})
        with self.assertRaisesRegex(cdr.CdrFileError, "not a CDR column"):
            cdr.check_layout({0: "caller"})

    def test_direction(self):
        extensions = {"8001", "8002"}
        self.assertEqual(cdr.direction("8001", "8002", extensions), "internal")
        self.assertEqual(cdr.direction("8001", "13800138000", extensions),
                         "outbound")
        self.assertEqual(cdr.direction("13800138000", "4008001234", extensions),
                         "inbound")


class TestFile(unittest.TestCase):

    def test_the_sample_file(self):
        with open(DATA, "rb") as handle:
            text = cdr.decode(handle.read())
        self.assertEqual(cdr.count_rows(text), 306)
        good, bad = 0, []
        for line, fields in cdr.iter_rows(text):
            try:
                cdr.parse_row(fields, MASTER, "Asia/Shanghai")
                good += 1
            except cdr.CdrError as error:
                bad.append((line, str(error)))
        self.assertEqual(good, 300)
        self.assertEqual([line for line, _msg in bad], [24, 73, 121, 164, 212, 261])

    def test_chunks_and_line_numbers(self):
        text = "a,b\n\nc,d\ne,f\n"
        self.assertEqual(list(cdr.iter_rows(text)),
                         [(1, ["a", "b"]), (3, ["c", "d"]), (4, ["e", "f"])])
        self.assertEqual(list(cdr.iter_rows(text, start=1, limit=1)),
                         [(3, ["c", "d"])])
        self.assertEqual(cdr.count_rows(text), 3)

    def test_gb18030(self):
        self.assertEqual(cdr.decode("孙磊".encode("gb18030")), "孙磊")
        self.assertEqual(cdr.decode("\ufeff孙磊".encode("utf-8")), "孙磊")


class TestApi(unittest.TestCase):

    def test_body(self):
        self.assertEqual(api.parse_body(b'{"a": 1}'), {"a": 1})
        for data, message in ((b"[1]", "expected a JSON object"),
                              (b"{", "not valid JSON"),
                              (b"\xff", "not valid JSON")):
            with self.assertRaisesRegex(api.ApiError, message):
                api.parse_body(data)
        with self.assertRaises(api.ApiError) as caught:
            api.parse_body(b" " * (api.MAX_BODY + 1))
        self.assertEqual(caught.exception.status, 413)

    def test_fields(self):
        self.assertEqual(api.text({"q": " sales "}, "q"), "sales")
        self.assertIsNone(api.text({}, "q"))
        for payload, message in (({}, "is required"), ({"q": 5}, "must be text"),
                                 ({"q": "a\x00"}, "contains a control character"),
                                 ({"q": "x" * 200}, "is longer than")):
            with self.assertRaisesRegex(api.ApiError, "q: " + message):
                api.text(payload, "q", required=True)
        self.assertEqual(api.digits({"digits": 12}), "12")
        self.assertEqual(api.digits({}), "")
        with self.assertRaisesRegex(api.ApiError, "digits:"):
            api.digits({"digits": "1a"})

    def test_timestamp(self):
        self.assertEqual(api.timestamp({"timestamp": "2026-11-22T10:15:00+08:00"}),
                         datetime(2026, 11, 22, 2, 15, 0))
        self.assertEqual(api.timestamp({"timestamp": "2026-11-22T02:15:00Z"}),
                         datetime(2026, 11, 22, 2, 15, 0))
        self.assertEqual(api.timestamp({"timestamp": "2026-11-22 10:15:00"},
                                       "Asia/Shanghai"),
                         datetime(2026, 11, 22, 2, 15, 0))
        self.assertIsNone(api.timestamp({}))
        with self.assertRaisesRegex(api.ApiError, "timestamp:"):
            api.timestamp({"timestamp": "yesterday"})
        with self.assertRaisesRegex(api.ApiError, "timestamp:"):
            api.timestamp({"timestamp": "1900-01-01T00:00:00Z"})

    def test_bearer(self):
        self.assertEqual(api.bearer_token("Bearer abc"), "abc")
        self.assertEqual(api.bearer_token("bearer  abc "), "abc")
        self.assertIsNone(api.bearer_token("Basic abc"))
        self.assertIsNone(api.bearer_token("Bearer "))
        self.assertIsNone(api.bearer_token(None))
