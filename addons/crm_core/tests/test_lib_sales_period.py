"""Calendar periods of sales targets (no database)."""
import unittest
from datetime import date

from ..lib.sales_period import period_bounds, period_label, period_problem


class TestPeriodBounds(unittest.TestCase):

    def test_month(self):
        self.assertEqual(period_bounds("month", date(2026, 2, 17)),
                         (date(2026, 2, 1), date(2026, 2, 28)))
        self.assertEqual(period_bounds("month", date(2028, 2, 1)),
                         (date(2028, 2, 1), date(2028, 2, 29)), "a leap year")
        self.assertEqual(period_bounds("month", date(2026, 12, 31)),
                         (date(2026, 12, 1), date(2026, 12, 31)))

    def test_quarter(self):
        self.assertEqual(period_bounds("quarter", date(2026, 5, 20)),
                         (date(2026, 4, 1), date(2026, 6, 30)))
        self.assertEqual(period_bounds("quarter", date(2026, 12, 1)),
                         (date(2026, 10, 1), date(2026, 12, 31)))
        self.assertEqual(period_bounds("quarter", date(2026, 1, 1)),
                         (date(2026, 1, 1), date(2026, 3, 31)))

    def test_year(self):
        self.assertEqual(period_bounds("year", date(2026, 7, 4)),
                         (date(2026, 1, 1), date(2026, 12, 31)))

    def test_unknown_type(self):
        with self.assertRaises(ValueError):
            period_bounds("week", date(2026, 7, 4))


class TestPeriodProblem(unittest.TestCase):

    def test_whole_periods_pass(self):
        self.assertIsNone(period_problem("month", date(2026, 4, 1), date(2026, 4, 30)))
        self.assertIsNone(period_problem("quarter", date(2026, 7, 1),
                                         date(2026, 9, 30)))
        self.assertIsNone(period_problem("year", date(2026, 1, 1), date(2026, 12, 31)))

    def test_a_start_that_is_not_a_first_day(self):
        self.assertEqual(period_problem("month", date(2026, 4, 2), date(2026, 4, 30)),
                         "start")
        self.assertEqual(period_problem("quarter", date(2026, 5, 1),
                                        date(2026, 7, 31)), "start")
        self.assertEqual(period_problem("year", date(2026, 4, 1), date(2027, 3, 31)),
                         "start")

    def test_an_end_that_is_not_the_last_day(self):
        self.assertEqual(period_problem("month", date(2026, 4, 1), date(2026, 5, 31)),
                         "end")
        self.assertEqual(period_problem("month", date(2026, 4, 1), date(2026, 4, 29)),
                         "end")
        self.assertEqual(period_problem("quarter", date(2026, 4, 1),
                                        date(2026, 4, 30)), "end")


class TestPeriodLabel(unittest.TestCase):

    def test_labels_sort_like_the_periods(self):
        self.assertEqual(period_label("month", date(2026, 5, 1)), "2026-05")
        self.assertEqual(period_label("quarter", date(2026, 10, 1)), "2026-Q4")
        self.assertEqual(period_label("year", date(2026, 1, 1)), "2026")
