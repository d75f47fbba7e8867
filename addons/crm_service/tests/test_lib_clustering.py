"""Defect clustering and keywords (no database)."""
import unittest
from datetime import datetime, timedelta

from ..lib.clustering import (Rule, Ticket, detect, group_tickets, is_spike,
                              validate_rule, window_counts)
from ..lib.keywords import first_keyword, normalize_keywords, split_keywords

NOW = datetime(2026, 11, 22, 12, 0, 0)
LATHE, PUMP = 101, 102
MACHINES, TOOLS = 11, 12
MOTORS, BILLING = 21, 22


def rule(**values):
    settings = dict(id=1, product_categ_ids=set(), category_ids=set(), keywords=(),
                    window_days=7, min_tickets=5, spike_factor=3.0, spike_windows=4)
    settings.update(values)
    return Rule(**settings)


class TicketMaker(object):
    def __init__(self):
        self.next_id = 0

    def __call__(self, days_ago, product=LATHE, category=MOTORS, text="",
                 categ=MACHINES, linked=False):
        self.next_id += 1
        return Ticket(id=self.next_id, product_id=product, product_categ_id=categ,
                      category_id=category, text=text,
                      date=NOW - timedelta(days=days_ago), linked=linked)


class TestKeywords(unittest.TestCase):

    def test_split_on_commas_enumeration_commas_and_spaces(self):
        self.assertEqual(split_keywords("E-203,主轴、报警 ，异响；spindle  Alarm"),
                         ["E-203", "主轴", "报警", "异响", "spindle", "Alarm"])

    def test_duplicates_and_empty_words_are_dropped(self):
        self.assertEqual(split_keywords(" alarm, ALARM,,主轴 主轴 "), ["alarm", "主轴"])
        self.assertEqual(split_keywords(""), [])
        self.assertEqual(split_keywords(None), [])

    def test_normalized_spelling(self):
        self.assertEqual(normalize_keywords("E-203、主轴 报警"), "E-203, 主轴, 报警")
        self.assertFalse(normalize_keywords(" ,、 "))

    def test_chinese_keywords_match_as_substrings(self):
        # no spaces in Chinese text: a word split would never find 主轴
        text = "客户反映主轴报警无法复位"
        self.assertEqual(first_keyword(text, ["异响", "主轴", "报警"]), "主轴")
        self.assertIsNone(first_keyword(text, ["主轴箱", "异响"]))
        self.assertEqual(first_keyword("Spindle ALARM e-203", ["E-203"]), "E-203")
        self.assertIsNone(first_keyword("", ["E-203"]))


class TestWindows(unittest.TestCase):

    def test_counts_per_window_newest_first(self):
        dates = [NOW, NOW - timedelta(days=1), NOW - timedelta(days=6, hours=23),
                 NOW - timedelta(days=7), NOW - timedelta(days=7, seconds=1),
                 NOW - timedelta(days=20), NOW - timedelta(days=40),
                 NOW + timedelta(hours=1)]
        # (now-7d, now] is window 0: a date exactly 7 days back still belongs to it
        self.assertEqual(window_counts(dates, NOW, 7, 4), [4, 1, 1, 0])
        self.assertEqual(window_counts(dates, NOW, 7, 6), [4, 1, 1, 0, 0, 1])

    def test_spike_against_the_average_of_the_previous_windows(self):
        self.assertEqual(is_spike(10, [2, 2, 2, 2], 3.0), (True, 2.0))
        self.assertEqual(is_spike(5, [2, 2, 2, 2], 3.0), (False, 2.0))
        self.assertEqual(is_spike(6, [2, 2, 2, 2], 3.0), (True, 2.0))
        # an average below one ticket per window counts as one
        self.assertEqual(is_spike(3, [0, 1, 0, 0], 3.0), (True, 0.25))
        self.assertEqual(is_spike(2, [0, 0, 0, 0], 3.0), (False, 0.0))

    def test_bad_rules_are_refused_by_name(self):
        for field, value in (("window_days", 0), ("min_tickets", 0),
                             ("spike_factor", 1.0), ("spike_windows", 0)):
            with self.assertRaisesRegex(ValueError, field):
                validate_rule(rule(**{field: value}))
            with self.assertRaisesRegex(ValueError, field):
                detect([], [rule(**{field: value})], NOW)


class TestDetect(unittest.TestCase):

    def setUp(self):
        super(TestDetect, self).setUp()
        self.make = TicketMaker()

    def test_ten_tickets_of_one_product_and_category_in_a_week(self):
        tickets = [self.make(days) for days in range(10)[:7]] + [
            self.make(0.5), self.make(1.5), self.make(2.5)]
        tickets += [self.make(1, product=PUMP), self.make(2, category=BILLING)]
        clusters = detect(tickets, [rule()], NOW)
        self.assertEqual(len(clusters), 1)
        cluster = clusters[0]
        self.assertEqual((cluster.product_id, cluster.category_id, cluster.keyword),
                         (LATHE, MOTORS, None))
        self.assertEqual(cluster.window_count, 10)
        self.assertEqual(sorted(cluster.ticket_ids), list(range(1, 11)))
        self.assertEqual(cluster.first_date, NOW - timedelta(days=6))
        self.assertEqual(cluster.last_date, NOW)
        # nothing before: a baseline of 0 counts as 1, and 10 >= 3 x 1
        self.assertTrue(cluster.spike)

    def test_below_the_minimum_or_outside_the_window_makes_nothing(self):
        tickets = [self.make(days) for days in (1, 2, 3, 4)]
        tickets += [self.make(days) for days in (8, 9, 10, 11, 12)]
        self.assertEqual(detect(tickets, [rule()], NOW), [])
        self.assertEqual(len(detect(tickets, [rule(min_tickets=4)], NOW)), 1)
        self.assertEqual(len(detect(tickets, [rule(window_days=14)], NOW)), 1)

    def test_steady_failures_are_a_defect_but_no_spike(self):
        tickets = [self.make(window * 7 + day)
                   for window in range(5) for day in (1, 2, 3, 4, 5)]
        clusters = detect(tickets, [rule()], NOW)
        self.assertEqual(len(clusters), 1)
        self.assertEqual((clusters[0].window_count, clusters[0].baseline), (5, 5.0))
        self.assertFalse(clusters[0].spike)

    def test_a_spike_over_a_busy_baseline(self):
        tickets = [self.make(7 * window + 1) for window in (1, 2, 3, 4)]
        tickets += [self.make(7 * window + 2) for window in (1, 2, 3, 4)]
        tickets += [self.make(day / 2.0) for day in range(1, 7)]
        cluster = detect(tickets, [rule()], NOW)[0]
        self.assertEqual((cluster.window_count, cluster.baseline, cluster.spike),
                         (6, 2.0, True))
        cluster = detect(tickets, [rule(spike_factor=3.5)], NOW)[0]
        self.assertFalse(cluster.spike)

    def test_rule_scope_by_product_category_and_service_category(self):
        tickets = [self.make(1, categ=TOOLS) for _i in range(5)]
        tickets += [self.make(1, category=BILLING) for _i in range(5)]
        only_machines = rule(product_categ_ids={MACHINES})
        clusters = detect(tickets, [only_machines], NOW)
        self.assertEqual([(c.category_id, c.window_count) for c in clusters],
                         [(BILLING, 5)])
        only_motors = rule(category_ids={MOTORS})
        clusters = detect(tickets, [only_motors], NOW)
        self.assertEqual([(c.category_id, c.window_count) for c in clusters],
                         [(MOTORS, 5)])
        no_product = [self.make(1, product=None) for _i in range(6)]
        self.assertEqual(detect(no_product, [rule()], NOW), [])

    def test_keyword_rules_group_by_the_first_keyword_found(self):
        texts = ["主轴报警 E-203"] * 3 + ["主轴异响"] * 2 + ["报警灯闪烁"] * 5 + [
            "门打不开"] * 5
        tickets = [self.make(1, text=text) for text in texts]
        clusters = detect(tickets, [rule(keywords=("主轴", "报警"), min_tickets=5)],
                          NOW)
        self.assertEqual(sorted((c.keyword, c.window_count) for c in clusters),
                         [("主轴", 5), ("报警", 5)])

    def test_the_first_rule_takes_a_ticket(self):
        tickets = [self.make(1, text="主轴报警") for _i in range(5)]
        tickets += [self.make(1, text="门打不开") for _i in range(5)]
        keyword_rule = rule(id=1, keywords=("主轴",))
        catch_all = rule(id=2)
        groups = group_tickets(tickets, [keyword_rule, catch_all])
        self.assertEqual(sorted((key, len(group)) for key, group in groups.items()),
                         [((1, LATHE, MOTORS, "主轴"), 5),
                          ((2, LATHE, MOTORS, None), 5)])
        clusters = detect(tickets, [keyword_rule, catch_all], NOW)
        self.assertEqual(sorted((c.rule_id, c.keyword) for c in clusters),
                         [(1, "主轴"), (2, None)])

    def test_linked_tickets_are_counted_but_not_new(self):
        tickets = [self.make(1, linked=True) for _i in range(4)]
        tickets += [self.make(2), self.make(3)]
        cluster = detect(tickets, [rule()], NOW)[0]
        self.assertEqual(cluster.window_count, 6)
        self.assertEqual(cluster.new_ticket_ids, [tickets[5].id, tickets[4].id])

    def test_largest_cluster_first(self):
        tickets = [self.make(1, product=PUMP) for _i in range(5)]
        tickets += [self.make(1) for _i in range(7)]
        self.assertEqual([c.product_id for c in detect(tickets, [rule()], NOW)],
                         [LATHE, PUMP])
