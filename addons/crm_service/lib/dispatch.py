"""Who gets a ticket under a least-loaded dispatch rule (派单规则).

Pure functions, no ORM (see lib/): the dispatch rules (models/
crm_service_dispatch_rule.py) read the loads in one query and ask here.
"""
import collections

#: one agent who could take the ticket: ``key`` identifies them (a user id),
#: ``load`` is their number of open tickets, ``last_assigned`` when they were last
#: given a ticket (any sortable value, e.g. a UTC datetime string; None = never)
#: and ``name`` a stable last resort, so that the choice never depends on the
#: order of the input nor on database ids.
Candidate = collections.namedtuple("Candidate", "key load last_assigned name")


def choose_least_loaded(candidates):
    """The candidate with the fewest open tickets; on a tie the one who waited
    longest since their last assignment (never assigned = longest), then by name.
    None when there is nobody."""
    candidates = list(candidates)
    if not candidates:
        return None
    return min(candidates, key=lambda c: (
        c.load, _never_first(c.last_assigned), c.name or ""))


def _never_first(value):
    """Sort key putting "never" (None) before every other value."""
    return (0,) if value is None else (1, value)


class LoadBook(object):
    """The loads of a batch of assignments: each choice adds one open ticket to
    the chosen agent and makes them the most recently assigned, so that a batch
    of tickets spreads over the team as dispatching them one by one would."""

    def __init__(self, loads, last_assigned):
        self.loads = dict(loads)
        self.last_assigned = {key: _never_first(value)
                              for key, value in dict(last_assigned).items()}
        self._booked = 0

    def choose(self, agents):
        """``agents``: (key, name) pairs. Returns the chosen Candidate (with the
        load they had before this ticket) or None, and books the assignment."""
        chosen = choose_least_loaded(
            Candidate(key, self.loads.get(key, 0),
                      self.last_assigned.get(key, _never_first(None)), name)
            for key, name in agents)
        if chosen is not None:
            self._booked += 1
            self.loads[chosen.key] = chosen.load + 1
            # later than any stored time: booked in this batch, in this order
            self.last_assigned[chosen.key] = (2, self._booked)
        return chosen
