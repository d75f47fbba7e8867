"""Which field names a request reads or compares (no database)."""
import unittest

from ..lib.field_paths import (aggregate_names, domain_paths, export_paths,
                               groupby_names, order_names)


class TestFieldPaths(unittest.TestCase):

    def test_domain_leaves_and_operators(self):
        domain = ["|", ("name", "ilike", "x"), "!", ["partner_id.email", "=", "a"],
                  (1, "=", 1), "&"]
        self.assertEqual(domain_paths(domain), ["name", "partner_id.email"])
        self.assertEqual(domain_paths("not a domain"), [])
        self.assertEqual(domain_paths(None), [])

    def test_order(self):
        self.assertEqual(order_names('amount desc, "id" asc,name'),
                         ["amount", "id", "name"])
        self.assertEqual(order_names(None), [])

    def test_read_group_specs(self):
        self.assertEqual(aggregate_names(["amount", "amount:sum",
                                          "total:sum(amount)", 3]),
                         ["amount", "amount", "amount"])
        self.assertEqual(groupby_names(["date:month", "user_id"]), ["date", "user_id"])
        self.assertEqual(groupby_names("stage_id"), ["stage_id"])

    def test_export_columns(self):
        self.assertEqual(export_paths(["name", "partner_id/email", "id",
                                       "partner_id/id", "user_id/.id"]),
                         ["name", "partner_id.email", "partner_id", "user_id"])
