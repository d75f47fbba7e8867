"""Working time over a business calendar: deadlines in working hours.

Pure Python, no ORM (see lib/). A calendar is

- a weekly schedule: ``(weekday, hour_from, hour_to)`` triples in local time,
  weekday 0 = Monday, hours as floats (13.5 = 13:30), 0 <= from < to <= 24;
- holidays: local dates on which nobody works, whatever the weekday;
- make-up working days (调休): local dates, usually a Saturday or Sunday, worked
  like a normal weekday. Given as a mapping ``{date: weekday}`` (the weekday whose
  hours apply) or as plain dates, which then work like a Monday;
- leaves: ``(start, end)`` closures in UTC, e.g. a half-day office closure;
- a time zone (an Olson name such as ``Asia/Shanghai``).

A holiday or a leave wins over a make-up day that falls on it.

Moments in and out are naive datetimes in UTC, as Odoo stores them (aware ones are
accepted and converted); results are rounded to the second.
"""
from datetime import date, datetime, time, timedelta

import pytz

#: how far ahead a deadline is searched before the calendar is declared empty
MAX_DAYS = 3700
MONDAY = 0


def _utc_naive(moment):
    if moment.tzinfo is not None:
        moment = moment.astimezone(pytz.utc).replace(tzinfo=None)
    return moment


def _seconds(hours):
    return timedelta(seconds=int(round(hours * 3600)))


def _merge(intervals):
    """Sorted, non-overlapping union of (start, end) pairs."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class WorkCalendar(object):
    """A business calendar; see the module's docstring for its parts."""

    def __init__(self, schedule, holidays=(), workdays=(), tz="UTC", leaves=()):
        self.schedule = {}
        for weekday, hour_from, hour_to in schedule:
            if weekday not in range(7):
                raise ValueError("weekday %r is not 0 (Monday) to 6 (Sunday)"
                                 % (weekday,))
            if not 0 <= hour_from < hour_to <= 24:
                raise ValueError("working hours %r-%r are not 0 <= from < to <= 24"
                                 % (hour_from, hour_to))
            self.schedule.setdefault(weekday, []).append((hour_from, hour_to))
        for weekday, hours in self.schedule.items():
            self.schedule[weekday] = _merge(hours)
        self.holidays = frozenset(holidays)
        if isinstance(workdays, dict):
            self.workdays = dict(workdays)
        else:
            self.workdays = {day: MONDAY for day in workdays}
        for day, weekday in self.workdays.items():
            if weekday not in range(7):
                raise ValueError("make-up day %s: weekday %r is not 0 to 6"
                                 % (day, weekday))
        self.tz = pytz.timezone(tz or "UTC")
        self.leaves = _merge((_utc_naive(start), _utc_naive(end))
                             for start, end in leaves if start < end)

    # -- days ----------------------------------------------------------------

    def weekday_of(self, day):
        """The weekday whose hours ``day`` works, or None when it is off."""
        if day in self.holidays:
            return None
        if day in self.workdays:
            return self.workdays[day]
        return day.weekday()

    def _to_utc(self, day, hours):
        local = datetime.combine(day, time()) + _seconds(hours)
        aware = self.tz.localize(local, is_dst=False)
        return aware.astimezone(pytz.utc).replace(tzinfo=None)

    def local_date(self, moment):
        """The local date of a UTC moment."""
        aware = pytz.utc.localize(_utc_naive(moment))
        return aware.astimezone(self.tz).date()

    def day_intervals(self, day):
        """Working intervals of local date ``day``, as (start, end) in UTC, leaves
        taken out."""
        weekday = self.weekday_of(day)
        if weekday is None:
            return []
        intervals = [(self._to_utc(day, hour_from), self._to_utc(day, hour_to))
                     for hour_from, hour_to in self.schedule.get(weekday, ())]
        for leave_start, leave_end in self.leaves:
            if not intervals or leave_start >= intervals[-1][1]:
                break
            kept = []
            for start, end in intervals:
                if leave_end <= start or leave_start >= end:
                    kept.append((start, end))
                    continue
                if start < leave_start:
                    kept.append((start, leave_start))
                if leave_end < end:
                    kept.append((leave_end, end))
            intervals = kept
        return intervals

    def iter_intervals(self, start, end=None):
        """Working intervals from ``start`` on (until ``end`` if given), clipped to
        both; raises ValueError when the calendar has no working time for
        MAX_DAYS days."""
        start = _utc_naive(start)
        end = _utc_naive(end) if end is not None else None
        day = self.local_date(start) - timedelta(days=1)
        idle = 0
        while True:
            intervals = self.day_intervals(day)
            for interval_start, interval_end in intervals:
                if end is not None and interval_start >= end:
                    return
                if interval_end <= start:
                    continue
                yield (max(interval_start, start),
                       min(interval_end, end) if end is not None else interval_end)
            if end is not None and self._to_utc(day, 0) >= end:
                return
            idle = 0 if intervals else idle + 1
            if idle > MAX_DAYS:
                raise ValueError("the calendar has no working time after %s" % day)
            day += timedelta(days=1)

    # -- arithmetic -------------------------------------------------------------

    def add_hours(self, start, hours):
        """The moment ``hours`` working hours after ``start`` (UTC). A deadline
        that ends a working interval stays at its end (12:00, not 13:30)."""
        if hours < 0:
            raise ValueError("working hours to add must not be negative: %r"
                             % (hours,))
        start = _utc_naive(start).replace(microsecond=0)
        remaining = _seconds(hours)
        if not remaining:
            return start
        for interval_start, interval_end in self.iter_intervals(start):
            length = interval_end - interval_start
            if remaining <= length:
                return interval_start + remaining
            remaining -= length
        raise AssertionError("unreachable: iter_intervals is endless or raises")

    def hours_between(self, begin, end):
        """Working hours from ``begin`` to ``end`` (negative when end < begin)."""
        begin, end = _utc_naive(begin), _utc_naive(end)
        if end < begin:
            return -self.hours_between(end, begin)
        total = timedelta()
        for interval_start, interval_end in self.iter_intervals(begin, end):
            total += interval_end - interval_start
        return total.total_seconds() / 3600.0

    def push_for_pause(self, deadline, pause_start, pause_end):
        """The deadline after a pause (time waiting for the customer does not
        count): later by the working hours paused. A pause that starts after the
        deadline changes nothing: the deadline was missed already."""
        deadline = _utc_naive(deadline)
        if _utc_naive(pause_start) >= deadline:
            return deadline
        return self.add_hours(deadline, max(
            self.hours_between(pause_start, pause_end), 0.0))


def add_working_hours(start_utc, hours, schedule, holidays=(), workdays=(),
                      tz="UTC", leaves=()):
    """The deadline ``hours`` working hours after ``start_utc`` (naive UTC)."""
    calendar = WorkCalendar(schedule, holidays, workdays, tz, leaves)
    return calendar.add_hours(start_utc, hours)


def working_hours_between(begin_utc, end_utc, schedule, holidays=(), workdays=(),
                          tz="UTC", leaves=()):
    """Working hours between two UTC moments."""
    calendar = WorkCalendar(schedule, holidays, workdays, tz, leaves)
    return calendar.hours_between(begin_utc, end_utc)


def days(first, last):
    """Every date from ``first`` to ``last`` (both included): holiday ranges."""
    if isinstance(first, datetime) or isinstance(last, datetime) or not (
            isinstance(first, date) and isinstance(last, date)):
        raise ValueError("days() takes two dates")
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
