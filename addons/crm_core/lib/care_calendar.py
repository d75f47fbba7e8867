"""The customer-care calendar (客户关怀, no database): when anniversaries and
holidays fall, which of them are due for an action today, and which fit in a
yearly budget per customer level.

Dates are ``datetime.date``; a 29 February anniversary falls on 28 February in
other years.
"""
import datetime


def anniversary(day, year):
    """``day``'s anniversary in ``year`` (29 February -> 28 February)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def next_occurrence(day, today):
    """The first anniversary of ``day`` on or after ``today`` that is at least
    one year after ``day`` itself (nobody celebrates year zero)."""
    for year in (today.year, today.year + 1):
        occurrence = anniversary(day, year)
        if occurrence >= today and occurrence.year > day.year:
            return occurrence
    return None


def due_anniversary(day, today, days_before):
    """The anniversary of ``day`` that needs an action today: one falling
    within ``days_before`` days from today (today included), else None."""
    occurrence = next_occurrence(day, today)
    if occurrence and (occurrence - today).days <= days_before:
        return occurrence
    return None


def due_dates(dates, today, days_before):
    """The ``dates`` (a holiday's dates) falling within ``days_before`` days from
    today, today included, in order."""
    last = today + datetime.timedelta(days=days_before)
    return sorted(d for d in set(dates) if today <= d <= last)


def years_since(day, occurrence):
    """How many years an anniversary on ``occurrence`` celebrates."""
    return occurrence.year - day.year


def within_budget(candidates, cost, caps, spent):
    """The candidates that fit in the budget, in order.

    ``candidates``: (key, level, year) in the order to serve them (earliest care
    date first); ``cost``: what one action costs; ``caps``: {level: yearly
    amount}, a level without a cap has no limit; ``spent``: {(level, year):
    amount already committed}. Returns the accepted keys; ``spent`` is not
    changed."""
    committed = dict(spent)
    accepted = []
    for key, level, year in candidates:
        cap = caps.get(level)
        if cap is not None and cost > 0:
            used = committed.get((level, year), 0.0)
            if used + cost > cap + 1e-9:
                continue
            committed[(level, year)] = used + cost
        accepted.append(key)
    return accepted
