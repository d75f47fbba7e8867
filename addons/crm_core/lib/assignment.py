"""Plan lead assignment by rules: round robin or load balanced, within capacity.

Pure functions, no ORM (see lib/). The ORM side (models/crm_assignment_rule.py)
reads the members' state, calls :func:`plan` once for a batch of leads and writes
the result in a few statements.

Fairness: no member is preferred for a lower id or for having joined earlier. Round
robin serves the member whose last turn is the oldest (a member who never had one
first); load balancing serves the member with the fewest open leads, then the one
whose last turn is the oldest. Members still tied (e.g. none has had a turn yet) are
ordered by a seeded random draw, so the same seed gives the same plan and can be
audited.
"""
import heapq
import random
from collections import namedtuple

ROUND_ROBIN = "round_robin"
LOAD_BALANCED = "load_balanced"
METHODS = (ROUND_ROBIN, LOAD_BALANCED)

Member = namedtuple("Member", "key capacity used load turn")
Member.__doc__ = """One member of a rule, as it stands before the batch.

key: the member's identity (a user id); capacity: the most leads it may hold
through the rule in its period, None or 0 for no limit; used: the leads it holds
through the rule in the period now; load: its open leads (load balancing); turn:
the number of its last turn (0: it never had one).
"""

Step = namedtuple("Step", "item key after load used capacity tie")
Step.__doc__ = """One assignment of a plan.

item: what was assigned; key: to whom; after: the member served just before (None
at the very first turn); load: the member's open leads before this one; used: its
leads in the capacity period, this one included; capacity: its capacity (None: no
limit); tie: how the choice between equals was made: None (no tie), "recent"
(least recently served) or "random" (the seeded draw).
"""


def tie_order(keys, seed):
    """Return {key: rank}: a random order of ``keys`` drawn from ``seed``.

    Rule: sort the keys (so the draw does not depend on the order they came in),
    then shuffle them with ``random.Random(seed)``; the rank is the position.
    """
    ordered = sorted(keys)
    random.Random(seed).shuffle(ordered)
    return {key: rank for rank, key in enumerate(ordered)}


def plan(items, members, method, seed):
    """Return ``(steps, unassigned, turns)`` for giving ``items`` in order to
    ``members`` (:class:`Member`).

    steps: one :class:`Step` per assigned item; unassigned: the items nobody had
    room for; turns: {key: number of the member's last turn}, for the members
    served (numbers continue from the highest ``turn`` given).

    Rule: each item goes to a member with room (no capacity, or ``used`` below
    it), choosing by ``method``: "round_robin" the oldest last turn;
    "load_balanced" the lowest load, then the oldest last turn; remaining ties by
    :func:`tie_order` of ``seed``. The member served gets the next turn number,
    and its load and used count grow by one.
    """
    if method not in METHODS:
        raise ValueError("unknown assignment method %r (expected one of %s)"
                         % (method, ", ".join(METHODS)))
    members = list(members)
    keys = [member.key for member in members]
    if len(set(keys)) != len(keys):
        raise ValueError("a member appears twice in the plan")
    rank = tie_order(keys, seed)
    counter = max([member.turn for member in members] + [0])
    last = None
    if counter:
        last = max(members, key=lambda member: member.turn).key
    state = {}
    heap = []
    for member in members:
        capacity = member.capacity or None
        state[member.key] = [member.load, member.used, member.turn, capacity]
        if capacity is None or member.used < capacity:
            heapq.heappush(heap, (_sort_key(method, member.load, member.turn,
                                            rank[member.key]), member.key))
    steps, unassigned, turns = [], [], {}
    for item in items:
        if not heap:
            unassigned.append(item)
            continue
        sort_key, key = heapq.heappop(heap)
        tie = _tie(method, sort_key, heap)
        load, used, _turn, capacity = state[key]
        counter += 1
        state[key] = [load + 1, used + 1, counter, capacity]
        turns[key] = counter
        steps.append(Step(item, key, last, load, used + 1, capacity, tie))
        last = key
        if capacity is None or used + 1 < capacity:
            heapq.heappush(heap, (_sort_key(method, load + 1, counter, rank[key]),
                                  key))
    return steps, unassigned, turns


def _sort_key(method, load, turn, rank):
    if method == ROUND_ROBIN:
        return (turn, rank)
    return (load, turn, rank)


def _tie(method, chosen, heap):
    """How the member chosen (``chosen``: its sort key) won over the runner-up."""
    if not heap:
        return None
    runner_up = heap[0][0]
    if method == ROUND_ROBIN:
        return "random" if runner_up[0] == chosen[0] else None
    if runner_up[0] != chosen[0]:
        return None
    return "random" if runner_up[1] == chosen[1] else "recent"
