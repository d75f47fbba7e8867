"""Ratios of grouped report rows (no database)."""
import unittest

from ..lib.report_ratios import apply_ratios, ratio_fields

RATIOS = {"attainment_pct": ("attained", "target", 100.0),
          "per_order": ("margin", "orders", 1.0)}


class TestReportRatios(unittest.TestCase):

    def test_the_parts_of_an_asked_ratio_are_read(self):
        self.assertEqual(ratio_fields(["attainment_pct"], RATIOS),
                         ["attainment_pct", "attained", "target"])
        self.assertEqual(ratio_fields(["target", "orders"], RATIOS),
                         ["target", "orders"], "no ratio asked, nothing added")

    def test_a_group_ratio_is_the_ratio_of_its_sums(self):
        # rows 50/100 (50 %) and 10/400 (2.5 %): the group is 60/500 = 12 %,
        # not the average 26.25 %
        groups = [{"attained": 60.0, "target": 500.0, "attainment_pct": 52.5}]
        apply_ratios(groups, ["attainment_pct"], RATIOS)
        self.assertAlmostEqual(groups[0]["attainment_pct"], 12.0)

    def test_no_denominator_gives_zero_and_unasked_ratios_stay_out(self):
        groups = [{"attained": 60.0, "target": 0.0, "margin": 30.0, "orders": None}]
        apply_ratios(groups, ["attainment_pct"], RATIOS)
        self.assertEqual(groups[0]["attainment_pct"], 0.0)
        self.assertNotIn("per_order", groups[0])
        apply_ratios(groups, ["per_order"], RATIOS)
        self.assertEqual(groups[0]["per_order"], 0.0)
