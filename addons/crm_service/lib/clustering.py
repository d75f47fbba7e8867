"""Defect clustering (瑕疵聚类): pure Python, no ORM (see STYLE.md, lib/).

Resolved tickets are grouped by product and service category (and by keyword when
the rule lists keywords). A group whose tickets of the last window reach the rule's
minimum is a defect cluster; when the last window holds ``spike_factor`` times the
average of the ``spike_windows`` windows before it, the cluster is also a spike.

The ORM side (models/crm_service_defect.py) fetches the tickets and the rules in
one query each, calls :func:`detect`, and turns its clusters into defect records.
"""
from collections import OrderedDict, namedtuple
from datetime import timedelta

from .keywords import first_keyword

#: one resolved ticket; ``date`` is a ``datetime``, ``text`` its subject and
#: description, ``linked`` True when it already belongs to a defect
Ticket = namedtuple(
    "Ticket", "id product_id product_categ_id category_id text date linked")

#: one defect rule; ``product_categ_ids`` and ``category_ids`` are sets of ids the
#: ticket's product category / service category must be in (empty: any), already
#: expanded to their sub-categories; ``keywords`` a tuple of strings (empty: none)
Rule = namedtuple(
    "Rule", "id product_categ_ids category_ids keywords window_days min_tickets "
            "spike_factor spike_windows")

#: what :func:`detect` finds: ``ticket_ids`` are the tickets of the last window,
#: ``new_ticket_ids`` those of them not linked to a defect yet
Cluster = namedtuple(
    "Cluster", "rule_id product_id category_id keyword ticket_ids new_ticket_ids "
               "first_date last_date window_count baseline spike")


def rule_matches(rule, ticket):
    """True when the ticket falls under the rule's product and service
    categories (a rule without keywords does not look at the text)."""
    if not ticket.product_id:
        return False
    if rule.product_categ_ids and ticket.product_categ_id not in rule.product_categ_ids:
        return False
    if rule.category_ids and ticket.category_id not in rule.category_ids:
        return False
    return True


def validate_rule(rule):
    """Raise ValueError naming the first setting of ``rule`` that cannot work."""
    if rule.window_days < 1:
        raise ValueError("window_days must be at least 1")
    if rule.min_tickets < 1:
        raise ValueError("min_tickets must be at least 1")
    if rule.spike_factor <= 1:
        raise ValueError("spike_factor must be more than 1")
    if rule.spike_windows < 1:
        raise ValueError("spike_windows must be at least 1")


def group_tickets(tickets, rules):
    """{(rule_id, product_id, category_id, keyword): [tickets]}; each ticket goes
    to the first rule (in the given order) that takes it."""
    groups = OrderedDict()
    for ticket in tickets:
        for rule in rules:
            if not rule_matches(rule, ticket):
                continue
            keyword = None
            if rule.keywords:
                keyword = first_keyword(ticket.text, rule.keywords)
                if keyword is None:
                    continue
            key = (rule.id, ticket.product_id, ticket.category_id, keyword)
            groups.setdefault(key, []).append(ticket)
            break
    return groups


def window_counts(dates, now, window_days, windows):
    """Counts of ``dates`` in the last ``windows`` windows of ``window_days``,
    newest first: window 0 is (now - window_days, now]."""
    width = timedelta(days=window_days)
    counts = [0] * windows
    for date in dates:
        if date > now:
            continue
        quotient, remainder = divmod(now - date, width)
        # a date exactly on a boundary belongs to the newer window
        index = max(quotient - (0 if remainder else 1), 0)
        if index < windows:
            counts[index] += 1
    return counts


def is_spike(current, previous, spike_factor):
    """(spike, baseline): the last window against the average of the previous
    ones. An average below one ticket per window counts as one, so that a product
    that never failed spikes once it fails ``spike_factor`` times in a window."""
    baseline = float(sum(previous)) / len(previous) if previous else 0.0
    return current >= spike_factor * max(baseline, 1.0), baseline


def detect(tickets, rules, now):
    """The clusters of ``tickets`` under ``rules`` at the time ``now``: groups
    with at least ``min_tickets`` tickets in the last ``window_days``, sorted by
    size (largest first). Tickets after ``now`` are ignored."""
    for rule in rules:
        validate_rule(rule)
    by_id = {rule.id: rule for rule in rules}
    clusters = []
    for (rule_id, product_id, category_id, keyword), group in group_tickets(
            tickets, rules).items():
        rule = by_id[rule_id]
        counts = window_counts([t.date for t in group], now, rule.window_days,
                               rule.spike_windows + 1)
        current = counts[0]
        if current < rule.min_tickets:
            continue
        start = now - timedelta(days=rule.window_days)
        recent = sorted((t for t in group if start < t.date <= now),
                        key=lambda t: (t.date, t.id))
        spike, baseline = is_spike(current, counts[1:], rule.spike_factor)
        clusters.append(Cluster(
            rule_id=rule_id, product_id=product_id, category_id=category_id,
            keyword=keyword,
            ticket_ids=[t.id for t in recent],
            new_ticket_ids=[t.id for t in recent if not t.linked],
            first_date=recent[0].date, last_date=recent[-1].date,
            window_count=current, baseline=baseline, spike=spike))
    clusters.sort(key=lambda c: (-c.window_count, c.rule_id, c.product_id,
                                 c.category_id or 0, c.keyword or ""))
    return clusters
