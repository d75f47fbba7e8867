"""Planning lead assignment: round robin, load balancing, capacity, and no bias to
lower ids or earlier members (no database)."""
import random
import unittest
from collections import Counter

from ..lib.assignment import LOAD_BALANCED, ROUND_ROBIN, Member, plan, tie_order


def fresh(keys, capacity=None, loads=None):
    loads = loads or {}
    return [Member(key, capacity, 0, loads.get(key, 0), 0) for key in keys]


def counts(steps, keys):
    found = Counter(step.key for step in steps)
    return {key: found[key] for key in keys}


class TestRoundRobin(unittest.TestCase):

    def test_equal_spread(self):
        keys = [17, 3, 42, 8, 25, 11, 30, 5, 19, 2]
        steps, unassigned, _turns = plan(range(1000), fresh(keys), ROUND_ROBIN, 1)
        self.assertEqual(unassigned, [])
        self.assertEqual(set(counts(steps, keys).values()), {100})

    def test_uneven_batch_spread_within_one(self):
        keys = list(range(1, 11))
        steps, _unassigned, _turns = plan(range(1003), fresh(keys), ROUND_ROBIN, 7)
        spread = counts(steps, keys).values()
        self.assertLessEqual(max(spread) - min(spread), 1)

    def test_continues_after_the_last_turn(self):
        members = [Member("a", None, 0, 0, 5), Member("b", None, 0, 0, 6),
                   Member("c", None, 0, 0, 4)]
        steps, _unassigned, turns = plan(["x", "y", "z", "w"], members, ROUND_ROBIN, 1)
        self.assertEqual([s.key for s in steps], ["c", "a", "b", "c"])
        self.assertEqual([s.after for s in steps], ["b", "c", "a", "b"])
        self.assertEqual(turns, {"a": 8, "b": 9, "c": 10})

    def test_a_newcomer_joins_the_rotation(self):
        members = [Member(key, None, 0, 0, turn) for key, turn in
                   (("a", 3), ("b", 1), ("c", 2))] + [Member("new", None, 0, 0, 0)]
        steps, _unassigned, _turns = plan(range(8), members, ROUND_ROBIN, 1)
        self.assertEqual([s.key for s in steps],
                         ["new", "b", "c", "a", "new", "b", "c", "a"])

    def test_capacity_holds_and_the_rest_is_unassigned(self):
        members = [Member("a", 3, 1, 0, 0), Member("b", 2, 0, 0, 0),
                   Member("c", 0, 0, 0, 0)]
        steps, unassigned, _turns = plan(range(20), members, ROUND_ROBIN, 3)
        got = counts(steps, ["a", "b", "c"])
        self.assertEqual((got["a"], got["b"]), (2, 2))
        self.assertEqual(got["c"], 16)  # 0: no limit
        self.assertEqual(unassigned, [])
        members = [Member("a", 3, 1, 0, 0), Member("b", 2, 0, 0, 0)]
        steps, unassigned, _turns = plan(range(10), members, ROUND_ROBIN, 3)
        self.assertEqual(len(steps), 4)
        self.assertEqual(unassigned, [4, 5, 6, 7, 8, 9])
        self.assertEqual(max(s.used for s in steps if s.key == "a"), 3)

    def test_no_preference_for_low_keys_or_list_order(self):
        """Over many seeds, who gets the first lead of a fresh rule (and the extra
        lead of an uneven batch) is spread over the members, whatever their key or
        position."""
        keys = list(range(1, 6))
        firsts = Counter()
        extras = Counter()
        for seed in range(500):
            shuffled = list(keys)
            random.Random(seed).shuffle(shuffled)
            steps, _u, _t = plan(range(7), fresh(shuffled), ROUND_ROBIN, seed)
            firsts[steps[0].key] += 1
            for key, count in counts(steps, keys).items():
                if count == 2:
                    extras[key] += 1
        self.assertEqual(set(firsts), set(keys))
        self.assertEqual(set(extras), set(keys))
        for key in keys:
            self.assertGreater(firsts[key], 60, firsts)   # about 100 each
            self.assertGreater(extras[key], 120, extras)  # about 200 each

    def test_same_seed_same_plan(self):
        keys = [4, 9, 1]
        first = plan(range(5), fresh(keys), ROUND_ROBIN, 42)
        again = plan(range(5), fresh(list(reversed(keys))), ROUND_ROBIN, 42)
        self.assertEqual(first, again)

    def test_ties_are_reported(self):
        steps, _u, _t = plan(range(3), fresh(["a", "b"]), ROUND_ROBIN, 1)
        self.assertEqual([s.tie for s in steps], ["random", None, None])


class TestLoadBalanced(unittest.TestCase):

    def test_unequal_loads_end_within_one(self):
        keys = list(range(10))
        loads = {key: key * 13 for key in keys}  # 0 .. 117 open leads
        steps, _unassigned, _turns = plan(range(1000), fresh(keys, loads=loads),
                                          LOAD_BALANCED, 5)
        got = counts(steps, keys)
        final = [loads[key] + got[key] for key in keys]
        self.assertLessEqual(max(final) - min(final), 1)
        self.assertEqual(sum(got.values()), 1000)

    def test_fewest_open_first_then_least_recent(self):
        members = [Member("a", None, 0, 2, 9), Member("b", None, 0, 1, 7),
                   Member("c", None, 0, 1, 3)]
        steps, _u, _t = plan(["x", "y", "z"], members, LOAD_BALANCED, 1)
        # c and b tie on load, c waited longer; then a (2, turn 9) waited longest
        self.assertEqual([s.key for s in steps], ["c", "b", "a"])
        self.assertEqual([s.tie for s in steps], ["recent", None, "recent"])
        self.assertEqual([s.load for s in steps], [1, 1, 2])

    def test_capacity_holds(self):
        members = [Member("a", 5, 4, 0, 0), Member("b", 10, 0, 50, 0)]
        steps, unassigned, _t = plan(range(8), members, LOAD_BALANCED, 1)
        got = counts(steps, ["a", "b"])
        self.assertEqual(got, {"a": 1, "b": 7})
        self.assertEqual(unassigned, [])

    def test_unknown_method_and_duplicates_are_refused(self):
        with self.assertRaisesRegex(ValueError, "unknown assignment method"):
            plan([1], fresh(["a"]), "lottery", 1)
        with self.assertRaisesRegex(ValueError, "appears twice"):
            plan([1], fresh(["a", "a"]), ROUND_ROBIN, 1)

    def test_no_member_leaves_everything_unassigned(self):
        steps, unassigned, turns = plan([1, 2], [], LOAD_BALANCED, 1)
        self.assertEqual((steps, unassigned, turns), ([], [1, 2], {}))


class TestTieOrder(unittest.TestCase):

    def test_order_of_input_does_not_matter(self):
        self.assertEqual(tie_order([3, 1, 2], 9), tie_order([2, 3, 1], 9))
        self.assertEqual(sorted(tie_order([3, 1, 2], 9).values()), [0, 1, 2])
