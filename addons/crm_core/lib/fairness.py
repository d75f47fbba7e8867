"""Assign items (leads, customers) to members fairly and measure how fair it was.

Pure functions, no ORM (see lib/). Odoo's own assignment favours the members
listed first; these rules have no such bias.
"""
import random
from collections.abc import Mapping
from fractions import Fraction


def gini(values):
    """Return the Gini coefficient of ``values`` (a mapping's values are used).

    Rule: with the n values sorted ascending, G = 2 * sum(i * x_i) / (n * sum(x))
    - (n + 1) / n, computed exactly; 0.0 is perfect equality, (n - 1) / n the most
    unequal, and empty or all-zero input gives 0.0.
    """
    if isinstance(values, Mapping):
        values = values.values()
    ordered = sorted(Fraction(value) for value in values)
    if any(value < 0 for value in ordered):
        raise ValueError("gini needs non-negative values, got %s" % ordered[0])
    total = sum(ordered)
    if not ordered or total == 0:
        return 0.0
    count = len(ordered)
    weighted = sum(rank * value for rank, value in enumerate(ordered, 1))
    return float(2 * weighted / (count * total) - Fraction(count + 1, count))


def round_robin(items, members, start_after=None):
    """Return (item, member) pairs, giving the items in order to one member after
    another.

    Rule: cycle through ``members`` in the order given, starting with the member
    after ``start_after`` when it is one of them (so a batch continues where the
    last one stopped), else with the first.
    """
    members = list(members)
    if not members:
        raise ValueError("round_robin needs at least one member to assign items to")
    start = members.index(start_after) + 1 if start_after in members else 0
    return [(item, members[(start + position) % len(members)])
            for position, item in enumerate(items)]


def _capacities(members, capacity):
    """Return member -> cap (None for no cap)."""
    if capacity is None:
        return dict.fromkeys(members)
    if isinstance(capacity, Mapping):
        return {member: capacity.get(member) for member in members}
    return dict.fromkeys(members, capacity)


def fair_random(items, members, seed, loads=None, capacity=None):
    """Return ``(pairs, unassigned)``: (item, member) pairs, and the items nobody
    had room for.

    Rule: each item in turn goes to a member with the lowest current load (``loads``
    gives the starting counts, default 0) among those below their ``capacity`` (an
    int for all, or a dict member -> int; no cap when missing), ties broken by a
    ``random.Random(seed)`` draw, so the same seed gives the same result and the
    order of ``members`` gives nobody an advantage.
    """
    members = list(dict.fromkeys(members))
    if not members:
        raise ValueError("fair_random needs at least one member to assign items to")
    rng = random.Random(seed)
    loads = loads or {}
    current = {member: loads.get(member, 0) for member in members}
    caps = _capacities(members, capacity)
    pairs = []
    unassigned = []
    for item in items:
        open_members = [member for member in members
                        if caps[member] is None or current[member] < caps[member]]
        if not open_members:
            unassigned.append(item)
            continue
        lowest = min(current[member] for member in open_members)
        tied = [member for member in open_members if current[member] == lowest]
        member = rng.choice(tied)
        current[member] += 1
        pairs.append((item, member))
    return pairs, unassigned
