"""Fair assignment rules and the Gini coefficient (no database)."""
import unittest
from collections import Counter

from ..lib.fairness import fair_random, gini, round_robin

MEMBERS = ["m%02d" % number for number in range(10)]
ITEMS = list(range(1000))


def loads_of(pairs, members=MEMBERS):
    counts = Counter(member for _item, member in pairs)
    return {member: counts[member] for member in members}


class TestGini(unittest.TestCase):

    def test_equal_is_zero(self):
        self.assertEqual(gini([1, 1, 1, 1]), 0.0)
        self.assertEqual(gini([7]), 0.0)

    def test_most_unequal_is_n_minus_one_over_n(self):
        self.assertEqual(gini([0, 0, 0, 10]), 0.75)
        self.assertEqual(gini([10, 0]), 0.5)

    def test_exact_on_small_lists(self):
        self.assertEqual(gini([1, 2, 3]), 2 / 9)
        self.assertEqual(gini([0.5, 0.5, 1.0]), gini([1, 1, 2]))

    def test_empty_and_all_zero(self):
        self.assertEqual(gini([]), 0.0)
        self.assertEqual(gini([0, 0, 0]), 0.0)

    def test_mapping_uses_values_and_order_does_not_matter(self):
        self.assertEqual(gini({"a": 10, "b": 0, "c": 0, "d": 0}), 0.75)
        self.assertEqual(gini([3, 1, 2]), gini([1, 2, 3]))

    def test_negative_value_is_refused(self):
        with self.assertRaises(ValueError):
            gini([1, -1])


class TestRoundRobin(unittest.TestCase):

    def test_cycles_in_member_order(self):
        self.assertEqual(round_robin("abcd", ["x", "y", "z"]),
                         [("a", "x"), ("b", "y"), ("c", "z"), ("d", "x")])

    def test_thousand_items_ten_members_gives_each_a_hundred(self):
        pairs = round_robin(ITEMS, MEMBERS)
        self.assertEqual([item for item, _member in pairs], ITEMS)
        self.assertEqual(set(loads_of(pairs).values()), {100})
        self.assertLessEqual(gini(loads_of(pairs)), 0.1)

    def test_starts_after_start_after(self):
        pairs = round_robin(ITEMS, MEMBERS, start_after="m03")
        self.assertEqual([member for _item, member in pairs[:3]], ["m04", "m05", "m06"])
        self.assertEqual(set(loads_of(pairs).values()), {100})
        pairs = round_robin([1, 2], MEMBERS, start_after="m09")
        self.assertEqual(pairs, [(1, "m00"), (2, "m01")])

    def test_consecutive_batches_continue_the_cycle(self):
        first = round_robin(range(7), MEMBERS)
        second = round_robin(range(7, 1000), MEMBERS, start_after=first[-1][1])
        self.assertEqual(first + second, round_robin(ITEMS, MEMBERS))

    def test_unknown_start_after_starts_with_the_first(self):
        self.assertEqual(round_robin([1], MEMBERS, start_after="gone"), [(1, "m00")])

    def test_no_items(self):
        self.assertEqual(round_robin([], MEMBERS), [])

    def test_no_members(self):
        with self.assertRaisesRegex(ValueError, "at least one member"):
            round_robin([1], [])


class TestFairRandom(unittest.TestCase):

    def test_thousand_items_ten_members_gives_each_a_hundred(self):
        pairs, unassigned = fair_random(ITEMS, MEMBERS, seed=42)
        self.assertEqual(unassigned, [])
        self.assertEqual([item for item, _member in pairs], ITEMS)
        self.assertEqual(set(loads_of(pairs).values()), {100})
        self.assertLessEqual(gini(loads_of(pairs)), 0.1)

    def test_capacity_for_all(self):
        pairs, unassigned = fair_random(ITEMS, MEMBERS, seed=42, capacity=50)
        self.assertEqual(len(pairs), 500)
        self.assertEqual(unassigned, ITEMS[500:])
        self.assertLessEqual(max(loads_of(pairs).values()), 50)
        self.assertLessEqual(gini(loads_of(pairs)), 0.1)

    def test_capacity_per_member_counts_the_current_load(self):
        pairs, unassigned = fair_random(
            range(10), ["a", "b", "c"], seed=1, loads={"a": 2},
            capacity={"a": 3, "b": 2})
        loads = loads_of(pairs, ["a", "b", "c"])
        self.assertEqual(loads["a"], 1)
        self.assertEqual(loads["b"], 2)
        self.assertEqual(loads["c"], 7)
        self.assertEqual(unassigned, [])

    def test_everyone_full(self):
        pairs, unassigned = fair_random([1, 2], ["a"], seed=1, loads={"a": 5},
                                        capacity=5)
        self.assertEqual((pairs, unassigned), ([], [1, 2]))

    def test_lowest_load_goes_first(self):
        pairs, _unassigned = fair_random(
            range(5), ["a", "b", "c"], seed=7, loads={"a": 4, "b": 1})
        self.assertEqual(loads_of(pairs, ["a", "b", "c"]), {"a": 0, "b": 2, "c": 3})

    def test_same_seed_reproduces_and_other_seeds_differ(self):
        first = fair_random(ITEMS, MEMBERS, seed=42)
        self.assertEqual(fair_random(ITEMS, MEMBERS, seed=42), first)
        self.assertNotEqual(fair_random(ITEMS, MEMBERS, seed=43), first)
        self.assertNotEqual(fair_random(ITEMS, MEMBERS, seed="other"), first)

    def test_no_bias_toward_members_listed_first(self):
        first_item = Counter(
            fair_random([1], MEMBERS, seed=seed)[0][0][1] for seed in range(2000))
        self.assertEqual(set(first_item), set(MEMBERS))
        for member in MEMBERS:
            self.assertTrue(140 <= first_item[member] <= 260, first_item)

    def test_no_members(self):
        with self.assertRaisesRegex(ValueError, "at least one member"):
            fair_random([1], [], seed=1)

    def test_no_items(self):
        self.assertEqual(fair_random([], MEMBERS, seed=1), ([], []))
