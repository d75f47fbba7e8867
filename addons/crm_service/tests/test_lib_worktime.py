"""Working-time arithmetic of SLA deadlines (no database): China's 9:00-12:00 and
13:30-18:00 office week in Asia/Shanghai (UTC+8, no daylight saving), its 2026
holidays and make-up working days (调休)."""
import unittest
from datetime import date, datetime

import pytz

from ..lib.worktime import (
    WorkCalendar, add_working_hours, days, working_hours_between)

CHINA_WEEK = [(weekday, hours[0], hours[1])
              for weekday in range(5) for hours in ((9, 12), (13.5, 18))]
SHANGHAI = "Asia/Shanghai"
NATIONAL_DAY = days(date(2026, 10, 1), date(2026, 10, 7))
NATIONAL_DAY_WORKDAYS = [date(2026, 9, 20), date(2026, 10, 10)]


def bj(*args):
    """A Beijing wall-clock time as the naive UTC moment Odoo stores."""
    local = pytz.timezone(SHANGHAI).localize(datetime(*args))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


class TestWorkCalendar(unittest.TestCase):

    def setUp(self):
        super(TestWorkCalendar, self).setUp()
        self.cal = WorkCalendar(CHINA_WEEK, holidays=NATIONAL_DAY,
                                workdays=NATIONAL_DAY_WORKDAYS, tz=SHANGHAI)

    def test_within_one_morning(self):
        # Tuesday 2026-09-15 09:30 + 2 h = 11:30
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 15, 9, 30), 2),
                         bj(2026, 9, 15, 11, 30))

    def test_across_lunch(self):
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 15, 11, 0), 2),
                         bj(2026, 9, 15, 14, 30))

    def test_ending_exactly_at_noon_stays_at_noon(self):
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 15, 9, 0), 3),
                         bj(2026, 9, 15, 12, 0))

    def test_a_working_day_is_seven_and_a_half_hours(self):
        self.assertEqual(self.cal.hours_between(bj(2026, 9, 15), bj(2026, 9, 16)), 7.5)
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 15, 9, 0), 7.5),
                         bj(2026, 9, 15, 18, 0))

    def test_multi_day(self):
        # Monday 9:00 + 16 h = Monday 7.5 + Tuesday 7.5 + 1 h Wednesday
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 14, 9, 0), 16),
                         bj(2026, 9, 16, 10, 0))

    def test_starting_before_hours(self):
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 15, 6, 45), 1),
                         bj(2026, 9, 15, 10, 0))

    def test_starting_at_lunch(self):
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 15, 12, 40), 1),
                         bj(2026, 9, 15, 14, 30))

    def test_starting_after_hours_rolls_to_the_next_morning(self):
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 15, 20, 0), 4),
                         bj(2026, 9, 16, 14, 30))

    def test_across_a_weekend(self):
        # Friday 2026-09-11 17:00 + 2 h = Monday 10:00
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 11, 17, 0), 2),
                         bj(2026, 9, 14, 10, 0))
        # a ticket received on Saturday counts from Monday 9:00
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 12, 10, 0), 4),
                         bj(2026, 9, 14, 14, 30))

    def test_across_national_day(self):
        # Wednesday 2026-09-30 17:00 + 2 h: Oct 1-7 are off, Thursday Oct 8 10:00
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 30, 17, 0), 2),
                         bj(2026, 10, 8, 10, 0))
        self.assertEqual(
            self.cal.hours_between(bj(2026, 9, 30, 18, 0), bj(2026, 10, 8, 9, 0)), 0)

    def test_national_day_without_its_holidays_would_be_a_normal_week(self):
        plain = WorkCalendar(CHINA_WEEK, tz=SHANGHAI)
        self.assertEqual(plain.add_hours(bj(2026, 9, 30, 17, 0), 2),
                         bj(2026, 10, 1, 10, 0))

    def test_make_up_saturday_is_worked(self):
        # Friday Oct 9 17:00 + 2 h: Saturday Oct 10 is a 调休 working day
        self.assertEqual(self.cal.add_hours(bj(2026, 10, 9, 17, 0), 2),
                         bj(2026, 10, 10, 10, 0))
        self.assertEqual(
            self.cal.hours_between(bj(2026, 10, 10), bj(2026, 10, 11)), 7.5)

    def test_make_up_sunday_is_worked(self):
        # Sunday Sep 20 is worked; the Saturday before is not
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 19, 10, 0), 1),
                         bj(2026, 9, 20, 10, 0))
        self.assertEqual(self.cal.weekday_of(date(2026, 9, 19)), 5)
        self.assertEqual(self.cal.day_intervals(date(2026, 9, 19)), [])

    def test_make_up_day_uses_the_given_weekday_hours(self):
        week = CHINA_WEEK + [(2, 19, 20)]  # Wednesdays have an evening hour
        cal = WorkCalendar(week, workdays={date(2026, 10, 10): 2}, tz=SHANGHAI)
        self.assertEqual(cal.hours_between(bj(2026, 10, 10), bj(2026, 10, 11)), 8.5)
        monday_like = WorkCalendar(week, workdays=[date(2026, 10, 10)], tz=SHANGHAI)
        self.assertEqual(
            monday_like.hours_between(bj(2026, 10, 10), bj(2026, 10, 11)), 7.5)

    def test_holiday_wins_over_a_make_up_day(self):
        cal = WorkCalendar(CHINA_WEEK, holidays=[date(2026, 10, 10)],
                           workdays=[date(2026, 10, 10)], tz=SHANGHAI)
        self.assertIsNone(cal.weekday_of(date(2026, 10, 10)))

    def test_spring_festival_2026(self):
        holidays = days(date(2026, 2, 15), date(2026, 2, 23))
        cal = WorkCalendar(CHINA_WEEK, holidays=holidays,
                           workdays=[date(2026, 2, 14), date(2026, 2, 28)],
                           tz=SHANGHAI)
        # Friday Feb 13 17:00 + 8 h: 1 h Fri, 7.5 h Sat Feb 14 (调休) → done 17:30
        self.assertEqual(cal.add_hours(bj(2026, 2, 13, 17, 0), 8),
                         bj(2026, 2, 14, 17, 30))
        # Saturday Feb 14 17:00 + 2 h: the holiday runs to Mon 23, so Tue 24 10:00
        self.assertEqual(cal.add_hours(bj(2026, 2, 14, 17, 0), 2),
                         bj(2026, 2, 24, 10, 0))

    def test_hours_between(self):
        morning, afternoon = bj(2026, 9, 15, 10, 0), bj(2026, 9, 15, 15, 0)
        self.assertEqual(self.cal.hours_between(morning, afternoon), 3.5)
        self.assertEqual(self.cal.hours_between(afternoon, morning), -3.5)
        # a full working week is 37.5 h; the next has the 调休 Sunday Sep 20 too
        self.assertEqual(self.cal.hours_between(bj(2026, 9, 7), bj(2026, 9, 14)), 37.5)
        self.assertEqual(self.cal.hours_between(bj(2026, 9, 14), bj(2026, 9, 21)), 45)
        # two weeks around National Day: Sep 28-30, Oct 8-9 and the 调休 Oct 10
        self.assertEqual(
            self.cal.hours_between(bj(2026, 9, 28), bj(2026, 10, 11)), 6 * 7.5)

    def test_add_and_between_agree(self):
        start = bj(2026, 9, 29, 16, 20)
        for hours in (0.5, 1, 7.5, 8, 13.25, 40):
            deadline = self.cal.add_hours(start, hours)
            self.assertAlmostEqual(self.cal.hours_between(start, deadline), hours)

    def test_zero_hours_is_the_start(self):
        self.assertEqual(self.cal.add_hours(bj(2026, 9, 12, 3, 0), 0),
                         bj(2026, 9, 12, 3, 0))

    def test_negative_hours_are_refused(self):
        with self.assertRaises(ValueError):
            self.cal.add_hours(bj(2026, 9, 15, 9, 0), -1)

    def test_leave_closes_part_of_a_day(self):
        # the office closes Tuesday afternoon (UTC interval of 13:30-18:00 Beijing)
        cal = WorkCalendar(CHINA_WEEK, tz=SHANGHAI,
                           leaves=[(bj(2026, 9, 15, 13, 0), bj(2026, 9, 15, 19, 0))])
        self.assertEqual(cal.add_hours(bj(2026, 9, 15, 11, 0), 2),
                         bj(2026, 9, 16, 10, 0))
        self.assertEqual(cal.hours_between(bj(2026, 9, 15), bj(2026, 9, 16)), 3)

    def test_pause_pushes_the_deadline_by_working_hours_paused(self):
        deadline = bj(2026, 9, 16, 12, 0)
        # paused Tuesday 16:00 → Wednesday 10:00: 2 h + 1 h = 3 working hours
        pushed = self.cal.push_for_pause(deadline, bj(2026, 9, 15, 16, 0),
                                         bj(2026, 9, 16, 10, 0))
        self.assertEqual(pushed, bj(2026, 9, 16, 16, 30))
        # a pause over the weekend only counts Friday afternoon's working hours
        pushed = self.cal.push_for_pause(bj(2026, 9, 14, 10, 0),
                                         bj(2026, 9, 11, 17, 0), bj(2026, 9, 13, 20, 0))
        self.assertEqual(pushed, bj(2026, 9, 14, 11, 0))
        # a pause after the deadline was missed changes nothing
        self.assertEqual(
            self.cal.push_for_pause(deadline, bj(2026, 9, 16, 13, 0),
                                    bj(2026, 9, 17, 13, 0)), deadline)

    def test_utc_calendar_and_aware_input(self):
        week = [(weekday, 8, 17) for weekday in range(5)]
        aware = pytz.timezone(SHANGHAI).localize(datetime(2026, 9, 15, 16, 0))
        # 16:00 Beijing = 08:00 UTC; + 9 h of a UTC 8-17 week = 17:00 UTC
        self.assertEqual(add_working_hours(aware, 9, week), datetime(2026, 9, 15, 17))
        self.assertEqual(working_hours_between(
            datetime(2026, 9, 18, 16), datetime(2026, 9, 21, 9), week), 2)

    def test_module_functions_take_the_calendar_parts(self):
        self.assertEqual(
            add_working_hours(bj(2026, 9, 30, 17, 0), 2, CHINA_WEEK,
                              holidays=NATIONAL_DAY, tz=SHANGHAI),
            bj(2026, 10, 8, 10, 0))
        self.assertEqual(
            working_hours_between(bj(2026, 10, 9, 18, 0), bj(2026, 10, 12, 9, 0),
                                  CHINA_WEEK, workdays=[date(2026, 10, 10)],
                                  tz=SHANGHAI), 7.5)

    def test_a_calendar_without_working_time_is_refused(self):
        with self.assertRaises(ValueError):
            WorkCalendar([], tz=SHANGHAI).add_hours(bj(2026, 9, 15, 9, 0), 1)
        with self.assertRaises(ValueError):
            WorkCalendar([(7, 9, 12)])
        with self.assertRaises(ValueError):
            WorkCalendar([(0, 12, 9)])

    def test_days(self):
        self.assertEqual(len(NATIONAL_DAY), 7)
        self.assertEqual(NATIONAL_DAY[-1], date(2026, 10, 7))
        with self.assertRaises(ValueError):
            days(datetime(2026, 10, 1), date(2026, 10, 7))
