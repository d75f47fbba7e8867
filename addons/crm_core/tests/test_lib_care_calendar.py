"""The care calendar's dates and budget (no database)."""
import datetime
import unittest

from ..lib import care_calendar

D = datetime.date


class TestCareCalendar(unittest.TestCase):

    def test_leap_day_falls_on_the_28th(self):
        leap = D(2000, 2, 29)
        self.assertEqual(care_calendar.anniversary(leap, 2027), D(2027, 2, 28))
        self.assertEqual(care_calendar.anniversary(leap, 2028), D(2028, 2, 29))

    def test_next_occurrence_across_the_new_year(self):
        self.assertEqual(care_calendar.next_occurrence(D(1980, 1, 2), D(2026, 12, 30)),
                         D(2027, 1, 2))
        self.assertEqual(care_calendar.next_occurrence(D(1980, 5, 10), D(2026, 5, 10)),
                         D(2026, 5, 10), "today counts")

    def test_year_zero_is_no_anniversary(self):
        today = D(2026, 5, 10)
        self.assertIsNone(care_calendar.due_anniversary(D(2026, 5, 12), today, 5))
        self.assertEqual(care_calendar.due_anniversary(D(2025, 5, 12), today, 5),
                         D(2026, 5, 12))

    def test_due_window(self):
        day = D(1990, 5, 13)
        self.assertIsNone(care_calendar.due_anniversary(day, D(2026, 5, 9), 3))
        self.assertEqual(care_calendar.due_anniversary(day, D(2026, 5, 10), 3),
                         D(2026, 5, 13))
        self.assertEqual(care_calendar.due_anniversary(day, D(2026, 5, 13), 0),
                         D(2026, 5, 13))
        self.assertIsNone(care_calendar.due_anniversary(day, D(2026, 5, 14), 3))
        self.assertEqual(care_calendar.due_dates(
            [D(2026, 2, 17), D(2027, 2, 6), D(2026, 2, 17)], D(2026, 2, 10), 7),
            [D(2026, 2, 17)])
        self.assertEqual(care_calendar.years_since(day, D(2026, 5, 13)), 36)

    def test_budget_per_level_and_year(self):
        candidates = [("a", "gold", 2026), ("b", "gold", 2026), ("c", "gold", 2027),
                      ("d", "silver", 2026), ("e", None, 2026)]
        accepted = care_calendar.within_budget(
            candidates, 100.0, {"gold": 250.0, "silver": 50.0}, {("gold", 2026): 100.0})
        self.assertEqual(accepted, ["a", "c", "e"])
        self.assertEqual(care_calendar.within_budget(candidates, 0.0, {"gold": 0.0},
                                                     {}), list("abcde"))
