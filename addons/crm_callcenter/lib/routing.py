"""Automatic call distribution (ACD, 路由): which agent takes a call and where a
waiting call stands in its queue. Pure functions, no ORM (see lib/).

The rules, in order:

1. The caller's own account manager (the customer's owner) takes the call when
   they are an available agent of the queue.
2. Otherwise the agents who have the queue's required skill at the required level
   are eligible, and the best skill match wins: the sum of the agent's levels in
   the queue's skills (the required one included).
3. Ties go to the agent idle the longest (available since the earliest time),
   then to the lowest agent id, so that the same inputs always give the same
   answer.

A call whose customer has a VIP level of the queue gets a higher priority and
waits ahead of every call of a lower priority; calls of the same priority wait
in the order they were queued.
"""
from collections import namedtuple

#: An available agent: ``skills`` maps a skill id to the agent's level (1-5);
#: ``idle_since`` sorts as time does (a datetime or a "%Y-%m-%d %H:%M:%S" string).
Candidate = namedtuple("Candidate", "agent_id user_id extension skills idle_since")

#: The choice: the candidate, the rule that decided (one of RULES), and the
#: winning skill score.
Decision = namedtuple("Decision", "candidate rule score")

#: A waiting call: its id, priority (higher first) and when it was queued.
Waiting = namedtuple("Waiting", "call_id priority queued_at")

OWNER = "owner"
SKILL = "skill"
LONGEST_IDLE = "longest_idle"
ONLY_AGENT = "only_agent"
RULES = (OWNER, SKILL, LONGEST_IDLE, ONLY_AGENT)

VIP_PRIORITY = 1
NORMAL_PRIORITY = 0


def skill_score(skills, wanted):
    """The sum of the levels of ``skills`` ({skill: level}) in the ``wanted``
    skills; a skill the agent does not have counts 0."""
    return sum(skills.get(skill, 0) for skill in set(wanted))


def eligible(candidates, required_skill=None, required_level=1):
    """The candidates that have ``required_skill`` at ``required_level`` or more
    (all of them when no skill is required)."""
    if not required_skill:
        return list(candidates)
    return [c for c in candidates
            if c.skills.get(required_skill, 0) >= max(required_level, 1)]


def _idle_key(candidate):
    # None (unknown) sorts after every known time: it is not "longest idle"
    since = candidate.idle_since
    return (since is None, since or "", candidate.agent_id)


def choose_agent(candidates, owner_user_id=None, required_skill=None,
                 required_level=1, skills=()):
    """The Decision for a call, or None when no candidate is eligible.

    ``candidates`` are the queue's available agents; ``owner_user_id`` the user
    who owns the caller's customer; ``skills`` the queue's skills that count in
    the match (the required one counts too).
    """
    pool = eligible(candidates, required_skill, required_level)
    if not pool:
        return None
    wanted = set(skills) | ({required_skill} if required_skill else set())
    if owner_user_id:
        owners = [c for c in pool if c.user_id == owner_user_id]
        if owners:
            owner = owners[0]
            return Decision(owner, OWNER, skill_score(owner.skills, wanted))
    if len(pool) == 1:
        only = pool[0]
        return Decision(only, ONLY_AGENT, skill_score(only.skills, wanted))
    scores = {c.agent_id: skill_score(c.skills, wanted) for c in pool}
    best = max(scores.values())
    top = sorted((c for c in pool if scores[c.agent_id] == best), key=_idle_key)
    rule = SKILL if len(set(scores.values())) > 1 else LONGEST_IDLE
    return Decision(top[0], rule, best)


def caller_priority(level_id, vip_level_ids):
    """The queue priority of a caller whose customer level is ``level_id``."""
    if level_id and level_id in set(vip_level_ids or ()):
        return VIP_PRIORITY
    return NORMAL_PRIORITY


def _queue_key(waiting):
    return (-waiting.priority, waiting.queued_at or "", waiting.call_id)


def queue_order(waiting):
    """The waiting calls in the order agents take them: higher priority first,
    then first queued, then lowest id."""
    return sorted(waiting, key=_queue_key)


def queue_position(waiting, call_id):
    """The 1-based place of ``call_id`` among ``waiting`` (which includes it)."""
    for position, item in enumerate(queue_order(waiting), start=1):
        if item.call_id == call_id:
            return position
    raise ValueError("call %r is not waiting" % (call_id,))


def should_overflow(logged_in_agents, waited_seconds, max_wait_seconds):
    """True when a waiting call leaves its queue for the overflow: nobody of the
    queue is logged in, or it waited longer than ``max_wait_seconds`` (0: no
    limit)."""
    if not logged_in_agents:
        return True
    return bool(max_wait_seconds) and waited_seconds >= max_wait_seconds
