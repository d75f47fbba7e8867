"""Property-based tests (Hypothesis) of the parsers that read what people and
clients send (issue 13): phone, e-mail and company-name normalization, phone
masking, the customer import's file reader and header guess, and the RPC value
checks. Whatever the input (NUL bytes, huge strings, full-width digits, wrong
types), each returns what it documents or raises only its documented error.
Deterministic: ``derandomize=True``, no example database (no database)."""
import csv
import io
import math
import re
import unittest

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from odoo import fields as odoo_fields

from ..lib import customer_import, rpc_values
from ..lib.phone import (mask_phone, normalize_company_name, normalize_email,
                         normalize_phone)

EXAMPLES = 500
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

# what people type into a phone or an e-mail field in China, full width included
PHONE_ALPHABET = "0123456789０１２３４５６７８９+＋-－ ()（）　.#转分机ext@＠.ａｂ"
HUGE = ["9" * 10 ** 6, "名" * 300000, "\x00" * 100000, "a@b.c" * 50000]
texts = st.one_of(
    st.text(),  # any code point but surrogates, NUL included
    st.text(alphabet=PHONE_ALPHABET, max_size=40),
    st.builds(lambda piece, times: piece * times,
              st.text(min_size=1, max_size=8), st.integers(100, 5000)),
    st.sampled_from(HUGE),
)
# cells of a file: short ones, and one over the csv module's 131,072 limit
cells = st.one_of(st.text(max_size=30), st.text(alphabet=PHONE_ALPHABET, max_size=20),
                  st.sampled_from(["", " \x00 ", "x" * 140000, "\r\n", '"']))
KNOWN_HEADERS = sorted(
    {name for columns in customer_import.KINDS.values()
     for names in columns.values() for name in names}
    | set(customer_import.TEMPLATE_HEADERS)
    | set(customer_import.LEAD_TEMPLATE_HEADERS))
# what a JSON or XML-RPC client can send
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-2 ** 80, 2 ** 80),
    st.floats(), st.sampled_from([1e308, -1e308, 1e15, 1e15 + 1, 2.0 ** 31]),
    texts,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=10,
)


class TestPhoneProperties(unittest.TestCase):

    @PROPERTY
    @given(texts)
    def test_normalize_phone_is_e164_or_none_and_idempotent(self, raw):
        phone = normalize_phone(raw)
        if phone is None:
            return
        self.assertIsInstance(phone, str)
        self.assertRegex(phone, r"^\+[1-9][0-9]{1,16}$")
        self.assertEqual(normalize_phone(phone), phone)

    @PROPERTY
    @given(st.text(alphabet="０１２３４５６７８９", min_size=11, max_size=11))
    def test_full_width_digits_read_as_ascii(self, raw):
        ascii_raw = raw.translate({0xFF10 + i: 0x30 + i for i in range(10)})
        self.assertEqual(normalize_phone(raw), normalize_phone(ascii_raw))

    @PROPERTY
    @given(texts)
    def test_normalize_email_is_lower_case_or_none_and_idempotent(self, raw):
        email = normalize_email(raw)
        if email is None:
            return
        self.assertIsInstance(email, str)
        self.assertIn("@", email)
        self.assertNotIn(" ", email)
        self.assertEqual(email, email.lower())
        self.assertEqual(normalize_email(email), email)

    @PROPERTY
    @given(texts)
    @example("C¸")  # the space NFKC gives the cedilla went, "c" + U+0327 stayed
    def test_normalize_company_name_is_a_key_or_none(self, raw):
        key = normalize_company_name(raw)
        if key is None:
            return
        self.assertIsInstance(key, str)
        self.assertTrue(key)
        self.assertFalse(any(char.isspace() for char in key), key)
        self.assertEqual(normalize_company_name(key), key)

    @PROPERTY
    @given(st.one_of(texts, st.none()))
    def test_mask_phone_shows_at_most_the_documented_digits(self, raw):
        masked = mask_phone(raw)
        self.assertIsInstance(masked, str)
        if not raw:
            self.assertEqual(masked, "")
            return
        # "+49 ******5678" keeps its country code apart; "138****8000" 7 digits
        shown = masked.split(" ", 1)[-1] if masked.startswith("+") else masked
        self.assertLessEqual(sum(char.isdigit() for char in shown), 7, masked)

    @PROPERTY
    @given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
    def test_a_chinese_mobile_is_masked_in_the_middle(self, national):
        self.assertEqual(mask_phone(normalize_phone(national)),
                         national[:3] + "****" + national[-4:])


def csv_bytes(rows, encoding):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding, "replace")


class TestCustomerImportProperties(unittest.TestCase):

    def assertReadsOrRefuses(self, filename, content):
        try:
            headers, rows = customer_import.read_table(filename, content)
        except customer_import.ImportFileError as error:
            self.assertTrue(str(error))
            return None
        self.assertTrue(headers)
        self.assertTrue(rows)
        for row in [headers] + rows:
            self.assertTrue(all(isinstance(cell, str) for cell in row))
        return headers, rows

    @PROPERTY
    @given(st.binary(max_size=2000),
           st.sampled_from(["a.csv", "a.CSV", "a.xlsx", "a.xls", "a.txt", "", None]))
    @example(b"name\nACME\x00\n", "a.csv")  # csv.Error escaped
    def test_random_bytes_are_read_or_refused_as_a_file_error(self, content, name):
        self.assertReadsOrRefuses(name, content)

    @PROPERTY
    @given(st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=6),
           st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    def test_random_cells_come_back_stripped(self, rows, encoding):
        read = self.assertReadsOrRefuses("customers.csv", csv_bytes(rows, encoding))
        if read is None:
            return
        headers, data = read
        for row in [headers] + data:
            self.assertEqual(row, [cell.strip() for cell in row])

    @PROPERTY
    @given(st.lists(st.one_of(texts, st.sampled_from(KNOWN_HEADERS)), max_size=16),
           st.sampled_from(sorted(customer_import.KINDS)))
    def test_guess_mapping_maps_each_key_once_to_a_column(self, headers, kind):
        mapping = customer_import.guess_mapping(headers, kind)
        self.assertTrue(set(mapping) <= set(range(len(headers))))
        self.assertTrue(set(mapping.values()) <= set(customer_import.KINDS[kind]))
        self.assertEqual(len(set(mapping.values())), len(mapping))

    @PROPERTY
    @given(st.dictionaries(st.sampled_from(sorted(customer_import.LEAD_COLUMNS)),
                           texts, max_size=8),
           st.sampled_from(sorted(customer_import.KINDS)))
    @example({"name": "x", "expected_revenue": "1" * 400}, "lead")  # inf was kept
    @example({"name": "x", "expected_revenue": "nan万"}, "lead")
    def test_validate_row_cleans_or_names_an_error(self, values, kind):
        clean, errors = customer_import.validate_row(values, kind=kind)
        for template, params in errors:
            self.assertTrue(customer_import.message((template, params)))
        if errors:
            return
        self.assertTrue(clean.get("name"))
        for key in ("phone", "mobile"):
            if clean.get(key):
                self.assertEqual(normalize_phone(clean[key]), clean[key])
        revenue = clean.get("expected_revenue")
        if revenue is not None:
            self.assertIsNone(rpc_values.float_problem(revenue), revenue)


def odoo_parses(value, with_time):
    """Odoo's own reading of a date (time) string succeeds, and the whole text,
    which Odoo hands to PostgreSQL as it is, has the form Odoo writes itself."""
    field = odoo_fields.Datetime if with_time else odoo_fields.Date
    try:
        field.from_string(value)
    except ValueError:
        return False
    return bool(re.match(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}"
                         r"( [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?)?\Z", value))


class TestRpcValueProperties(unittest.TestCase):

    def assertProblemOrNone(self, problem):
        if problem is not None:
            self.assertIsInstance(problem, tuple)
            self.assertEqual(len(problem), 2)
            self.assertIn(problem[0], rpc_values.PROBLEMS)
        return problem

    @PROPERTY
    @given(json_values, st.sampled_from([rpc_values.INDEXED_CHAR_LIMIT,
                                         rpc_values.CHAR_LIMIT]))
    def test_text(self, value, limit):
        if self.assertProblemOrNone(rpc_values.text_problem(value, limit)) is None:
            self.assertTrue(value in (False, None) or isinstance(value, str))
            if value:
                self.assertNotIn("\x00", value)
                self.assertLessEqual(len(value), limit)

    @PROPERTY
    @given(json_values)
    def test_integer(self, value):
        if self.assertProblemOrNone(rpc_values.integer_problem(value)) is None:
            if value in (False, None):
                return
            number = int(value)  # what Odoo's Integer field does with it
            self.assertNotIsInstance(value, (bool, float))
            self.assertTrue(rpc_values.INT_MIN <= number <= rpc_values.INT_MAX)

    @PROPERTY
    @given(st.one_of(json_values, st.floats().map(repr), st.floats().map(str)))
    def test_float(self, value):
        if self.assertProblemOrNone(rpc_values.float_problem(value)) is None:
            if value is False or value is None:
                return
            number = float(value)  # what Odoo's Float field does with it
            self.assertNotIsInstance(value, bool)
            self.assertTrue(math.isfinite(number))
            self.assertLessEqual(abs(number), rpc_values.FLOAT_LIMIT)

    @PROPERTY
    @given(json_values, st.lists(st.one_of(st.text(max_size=5), st.integers()),
                                 max_size=4))
    def test_selection(self, value, keys):
        problem = rpc_values.selection_problem(value, keys)
        if self.assertProblemOrNone(problem) is None:
            self.assertTrue(value in (False, None) or value in keys)

    @PROPERTY
    @given(st.one_of(json_values, st.dates().map(str), st.datetimes().map(str),
                     st.from_regex(r"\A[0-9０-９]{1,4}-[0-9]{1,2}-[0-9]{1,2}"
                                   r"( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2})?.{0,3}\Z")),
           st.booleans())
    @example("0001-1-1", True)  # strptime read it, Odoo's Datetime did not
    @example("２０２６-01-01", False)  # strptime read it, PostgreSQL did not
    @example("2026-01-01junk", False)
    def test_date(self, value, with_time):
        problem = rpc_values.date_problem(value, with_time)
        if self.assertProblemOrNone(problem) is None and value:
            self.assertTrue(odoo_parses(value, with_time), value)

    @PROPERTY
    @given(json_values)
    def test_many2one(self, value):
        if self.assertProblemOrNone(rpc_values.many2one_problem(value)) is None:
            if value is False or value is None:
                return
            record_id = value[0] if isinstance(value, list) else value
            self.assertIsInstance(record_id, int)
            self.assertTrue(0 < record_id <= rpc_values.INT_MAX)

    @PROPERTY
    @given(st.one_of(
        json_values,
        st.lists(st.one_of(st.integers(), st.lists(json_values, max_size=4)),
                 max_size=4),
        st.lists(st.tuples(st.sampled_from(range(-1, 8)), json_values, json_values),
                 max_size=3)))
    @example([[[]]])  # TypeError: unhashable command code
    @example([[{}, 0, {}]])
    def test_x2many(self, value):
        nested = []
        problem = rpc_values.x2many_problem(
            value, lambda vals: nested.append(vals) or None)
        if self.assertProblemOrNone(problem) is None:
            self.assertTrue(value in (False, None) or isinstance(value, (list, tuple)))
            for vals in nested:
                self.assertIsInstance(vals, dict)
            for command in value or ():
                if isinstance(command, int):
                    continue
                self.assertIn(command[0], rpc_values.X2MANY_CODES)
                self.assertIsInstance(command[0], int)
                if command[0] == 6:
                    self.assertTrue(all(isinstance(i, int) for i in command[2]))

    @PROPERTY
    @given(json_values)
    def test_binary(self, value):
        if self.assertProblemOrNone(rpc_values.binary_problem(value)) is None:
            self.assertTrue(value in (False, None) or isinstance(value, (str, bytes)))
