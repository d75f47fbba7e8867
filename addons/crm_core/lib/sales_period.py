"""Calendar periods of sales targets: a month, a quarter or a year.

Pure functions over ``datetime.date``, no ORM (see lib/). A period always runs from
its first day to its last: a month from the 1st to its last day, a quarter from the
1st of January, April, July or October to the last day of its third month, a year
from the 1st of January to the 31st of December.
"""
import calendar
from datetime import date

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _last_day(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


def period_bounds(period_type, day):
    """Return (first day, last day) of the period of type ``period_type`` that
    contains ``day``."""
    if period_type not in PERIOD_MONTHS:
        raise ValueError("unknown period type %r" % (period_type,))
    if period_type == "month":
        first_month = day.month
    elif period_type == "quarter":
        first_month = (day.month - 1) // 3 * 3 + 1
    else:
        first_month = 1
    last_month = first_month + PERIOD_MONTHS[period_type] - 1
    return date(day.year, first_month, 1), _last_day(day.year, last_month)


def period_problem(period_type, date_start, date_end):
    """Why (date_start, date_end) is not one whole period of ``period_type``, as a
    short code, or None when it is one.

    Codes: "start" (the start is not the first day of such a period), "end" (the
    end is not the last day of the period that starts there).
    """
    first, last = period_bounds(period_type, date_start)
    if date_start != first:
        return "start"
    if date_end != last:
        return "end"
    return None


def period_label(period_type, date_start):
    """A short, sortable label: "2026-05", "2026-Q2" or "2026"."""
    if period_type == "month":
        return "%04d-%02d" % (date_start.year, date_start.month)
    if period_type == "quarter":
        return "%04d-Q%d" % (date_start.year, (date_start.month - 1) // 3 + 1)
    return "%04d" % date_start.year
