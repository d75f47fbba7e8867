"""Property-based tests (Hypothesis) of what the phone system sends (issue 13):
event bodies, CDR files and rows, and the Authorization header. Whatever comes
(random keys and value types, NUL bytes, huge strings, broken encodings), each
parser returns what it documents or raises only its documented error.
Deterministic: ``derandomize=True``, no example database (no database)."""
import unittest
from datetime import datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ..lib import api, cdr, events

EXAMPLES = 500
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
NOW = datetime(2026, 11, 22, 2, 15)
ZONES = ["UTC", "Asia/Shanghai", "America/New_York", "Pacific/Kiritimati"]

texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789+*# -:T.Z", max_size=30),
    st.sampled_from(["x" * 3000, "\x00", " ", "名" * 129]),
)
recent = st.builds(lambda moment, offset: moment.isoformat() + offset,
                   st.datetimes(min_value=datetime(2000, 1, 2), max_value=NOW),
                   st.sampled_from(["", "Z", "+08:00", "-0500", "+14"]))
timestamps = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
        lambda moment: moment.isoformat()),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"
                  r"(:[0-9]{2}([.,][0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?\Z"),
    st.from_regex(r"\A[0-9０-９]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}\Z"),
)
values = {
    "event": st.sampled_from(events.EVENTS),
    "direction": st.sampled_from(events.DIRECTIONS),
    "cause": st.sampled_from(events.CAUSES),
    "timestamp": recent,
    "from": st.from_regex(r"\A\+?[0-9]{3,15}\Z"),
    "to": st.from_regex(r"\A\+?[0-9]{3,15}\Z"),
    "extension": st.from_regex(r"\A[0-9]{3,5}\Z"),
    "digits": st.from_regex(r"\A[0-9*#]{1,4}\Z"),
    "recording_url": st.one_of(
        st.from_regex(r"\Ahttps?://pbx\.example\.com/[a-z0-9/]{0,20}\.wav\Z"),
        st.sampled_from(["http://[::1/x", "ftp://x/y", "http://"])),
}
junk = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), texts,
                 st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@st.composite
def payloads(draw):
    keys = draw(st.lists(st.sampled_from(sorted(events.FIELDS)), unique=True))
    if draw(st.integers(0, 3)):  # most bodies have what every event needs
        keys = sorted(set(keys) | {"event", "call_id", "timestamp"})
    body = {}
    for key in keys:
        good = values.get(key, st.text(alphabet="abc123_.-", min_size=1, max_size=8))
        if key == "timestamp" and draw(st.integers(0, 3)) == 0:
            good = timestamps  # any year, any offset, full-width digits
        body[key] = draw(junk if draw(st.integers(0, 7)) == 0 else good)
    if draw(st.integers(0, 19)) == 0:
        body[draw(st.one_of(st.text(max_size=70), st.integers()))] = draw(junk)
    return body


ACCEPTED = []


class TestEventProperties(unittest.TestCase):

    @classmethod
    def tearDownClass(cls):
        # the property is about accepted bodies too: enough of them were
        assert len(ACCEPTED) >= 10, len(ACCEPTED)
        super(TestEventProperties, cls).tearDownClass()

    @PROPERTY
    @given(st.one_of(payloads(), junk), st.sampled_from(ZONES))
    @example({"event": "ring", "call_id": "c", "timestamp": "0001-01-01T00:00"},
             "Asia/Shanghai")
    @example({"event": "ring", "call_id": "c", "timestamp": "9999-12-31T23:59-12"},
             "UTC")
    def test_validate_cleans_or_raises_an_event_error(self, payload, zone):
        try:
            clean = events.validate(payload, zone, NOW)
        except events.EventError as error:
            self.assertIsInstance(error.field, str)  # the key at fault, maybe ""
            self.assertTrue(error.message)
            return
        self.assertEqual(set(clean), set(events.FIELDS.values()))
        self.assertIn(clean["event"], events.EVENTS)
        self.assertTrue(clean["call_id"])
        self.assertIsNone(clean["timestamp"].tzinfo)
        self.assertTrue(events.EARLIEST <= clean["timestamp"]
                        <= NOW + events.FUTURE_SLACK)
        for key, value in clean.items():
            if isinstance(value, str):
                self.assertNotIn("\x00", value, key)
                self.assertEqual(value, value.strip(), key)
        # what validate accepts, event_key can key and derive can use
        self.assertTrue(events.event_key(clean))
        self.assertIn(events.derive([dict(clean, seq=1)])["state"],
                      ("ringing", "talking", "queued", "ended"))
        ACCEPTED.append(1)


def cdr_lines():
    time = st.one_of(
        st.datetimes(min_value=datetime(1, 1, 1)).map(
            lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S")),
        st.sampled_from(["0001-01-01 00:00:00", "9999-12-31 23:59:59", "",
                         "2026-02-30 10:00:00", "２０２６-11-22 10:00:00"]))
    seconds = st.one_of(st.integers(0, 10 ** 8).map(str),
                        st.sampled_from(["", "-1", "1.5", "²", "١٢", "１２"]))
    columns = {
        "src": st.one_of(st.from_regex(r"\A\+?[0-9]{3,15}\Z"), texts),
        "dst": st.one_of(st.from_regex(r"\A[0-9]{3,15}\Z"), texts),
        "start": time, "answer": time, "end": time,
        "duration": seconds, "billsec": seconds,
        "disposition": st.one_of(st.sampled_from(sorted(cdr.DISPOSITIONS)), texts),
        "lastapp": st.sampled_from(["Queue", "VoiceMail", "Dial", ""]),
        "lastdata": texts,
    }
    return st.tuples(*[columns.get(name, texts) for name in cdr.MASTER_COLUMNS])


def cdr_row(**values):
    """A Master.csv record of an answered call 1001 -> 1002 with ``values``."""
    values = dict({"src": "1001", "dst": "1002", "disposition": "ANSWERED"},
                  **values)
    return tuple(values.get(name, "") for name in cdr.MASTER_COLUMNS)


class TestCdrProperties(unittest.TestCase):

    def assertRow(self, fields, zone, column_map=None):
        column_map = column_map or dict(enumerate(cdr.MASTER_COLUMNS))
        try:
            row = cdr.parse_row(fields, column_map, zone)
        except cdr.CdrError as error:
            self.assertTrue(str(error))
            return None
        self.assertIn(row["disposition"], set(cdr.DISPOSITIONS.values())
                      | {"voicemail", "abandoned"})
        self.assertTrue(row["start"] <= row["end"])
        self.assertTrue(0 <= row["billsec"] <= row["duration"])
        self.assertTrue(cdr.call_key(row))
        return row

    @PROPERTY
    @given(cdr_lines(), st.sampled_from(ZONES))
    @example(cdr_row(start="2026-11-22 10:00:00", duration="²"), "UTC")
    @example(cdr_row(start="0001-01-01 00:00:00"), "Asia/Shanghai")
    @example(cdr_row(start="9999-12-31 23:59:59", duration="60"), "UTC")
    def test_parse_row_cleans_or_raises_a_cdr_error(self, fields, zone):
        # the examples: "²".isdigit() but int("²") raised ValueError; years 1
        # and 9999 overflowed in the conversion to UTC and the end time
        self.assertRow(list(fields), zone)

    @PROPERTY
    @given(st.lists(texts, max_size=20),
           st.dictionaries(st.integers(0, 19), st.sampled_from(cdr.MASTER_COLUMNS),
                           max_size=8))
    def test_parse_row_with_any_layout(self, fields, column_map):
        try:
            cdr.check_layout(column_map)
        except cdr.CdrFileError:
            return
        self.assertRow(fields, "UTC", column_map)

    @PROPERTY
    @given(st.one_of(st.binary(max_size=500),
                     st.text(max_size=200).map(lambda text: text.encode("utf-8")),
                     st.text(max_size=200).map(
                         lambda text: text.encode("gb18030", "replace"))),
           st.integers(0, 3), st.one_of(st.none(), st.integers(0, 5)))
    def test_decode_and_iter_rows_yield_lines_or_errors(self, data, start, limit):
        try:
            text = cdr.decode(data)
        except cdr.CdrFileError as error:
            self.assertTrue(str(error))
            return
        self.assertIsInstance(text, str)
        rows = list(cdr.iter_rows(text, start, limit))
        if limit is not None:
            self.assertLessEqual(len(rows), limit)
        numbers = [number for number, _fields in rows]
        self.assertEqual(numbers, sorted(set(numbers)))
        for number, fields in rows:
            self.assertGreaterEqual(number, 1)
            if isinstance(fields, cdr.CdrError):
                self.assertRaises(cdr.CdrError, cdr.parse_row, fields,
                                  dict(enumerate(cdr.MASTER_COLUMNS)), "UTC")
            else:
                self.assertTrue(all(isinstance(field, str) for field in fields))
                self.assertRow(fields, "UTC")
        self.assertEqual(cdr.count_rows(text), len(list(cdr.iter_rows(text))))


class TestBearerTokenProperties(unittest.TestCase):

    @PROPERTY
    @given(st.one_of(
        st.none(), texts,
        st.builds(lambda scheme, space, token: scheme + space + token,
                  st.sampled_from(["Bearer", "bearer", "BEARER", "Basic", ""]),
                  st.sampled_from([" ", "  ", "\t", ""]), texts)))
    def test_bearer_token_is_a_clean_token_or_none(self, header):
        token = api.bearer_token(header)
        if token is None:
            return
        self.assertIsInstance(token, str)
        self.assertTrue(token)
        self.assertEqual(token, token.strip())
        self.assertLessEqual(len(token), 256)
        self.assertFalse(any(ord(char) < 32 or ord(char) == 127 for char in token))
        self.assertTrue(header.strip().lower().startswith("bearer "))
        self.assertIn(token, header)
