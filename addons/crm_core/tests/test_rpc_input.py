"""Bad input over RPC gets a clear error naming the problem, and nothing is written
(issue 13): NUL bytes, wrong types, unknown selection keys, huge names and numbers,
malformed commands and ids, wrong arities, values a domain cannot compare; admin
included, since a bad value is bad whoever sends it."""
from odoo.exceptions import UserError, ValidationError
from odoo.tests.common import SavepointCase

from .common import CrmTestMixin


class TestRpcInput(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestRpcInput, cls).setUpClass()
        cls.rep = cls.new_user("input_rep", ["sales_team.group_sale_salesman"])
        cls.admin = cls.env.ref("base.user_root")
        cls.lead = cls.env["crm.lead"].create({
            "name": "Input lead", "type": "opportunity", "user_id": cls.rep.id})

    def refused(self, user, model, method, *args, **kwargs):
        """The call is refused with a clear error; returns its message."""
        with self.assertRaises((UserError, ValidationError),
                               msg="%s.%s%r" % (model, method, args)) as caught:
            with self.env.cr.savepoint():  # a database error aborts the transaction
                self.rpc(user, model, method, *args, **kwargs)
        return caught.exception.name

    def test_bad_values_on_create_are_refused_and_nothing_is_written(self):
        Partner = self.env["res.partner"]
        before = Partner.search_count([])
        cases = [
            ({"name": "Nul\x00Co"}, "NUL"),
            ({"name": "名" * 9000}, "longer than"),
            ({"name": "Co", "credit_limit": "abc"}, "number"),
            ({"name": "Co", "credit_limit": 1e308}, "between"),
            ({"name": "Co", "credit_limit": float("nan")}, "between"),
            ({"name": "Co", "color": "red"}, "whole number"),
            ({"name": "Co", "color": 2 ** 40}, "between"),
            ({"name": "Co", "type": "spaceship"}, "one of"),
            ({"name": "Co", "date": "yesterday"}, "date"),
            ({"name": "Co", "parent_id": "abc"}, "id of a record"),
            ({"name": "Co", "category_id": "abc"}, "list of ids"),
            ({"name": "Co", "category_id": [(9, 0, 0)]}, "list of ids"),
            ({"name": "Co", "category_id": [(6, 0, ["x"])]}, "list of record ids"),
            ({"name": "Co", "child_ids": [(0, 0, {"name": "\x00"})]}, "NUL"),
            ({"name": "Co", "no_such_field": 1}, "no field no_such_field"),
            ({"name": ["not", "text"]}, "text"),
        ]
        for user in (self.rep, self.admin):
            for vals, expected in cases:
                message = self.refused(user, "res.partner", "create",
                                       vals, context={"lang": "en_US"})
                self.assertIn(expected, message, "%s: %s" % (vals, message))
        self.assertEqual(Partner.search_count([]), before)

    def test_bad_values_on_write_leave_the_record_as_it_was(self):
        before = self.lead.read(["name", "priority", "planned_revenue", "type"])
        for vals in ({"name": "x\x00y"}, {"priority": "9"},
                     {"planned_revenue": "lots"}, {"type": "other"},
                     {"date_deadline": "2026-13-45"}, {"name": "x" * 5000},
                     "not a dict"):
            self.refused(self.rep, "crm.lead", "write", self.lead.ids, vals)
        self.assertEqual(self.lead.read(["name", "priority", "planned_revenue",
                                         "type"]), before)
        # what a form sends passes: numbers as text, dates with a time
        self.rpc(self.rep, "crm.lead", "write", self.lead.ids,
                 {"planned_revenue": "1250.5", "date_deadline": "2026-12-31",
                  "priority": "2"})
        self.assertEqual((self.lead.planned_revenue, self.lead.priority),
                         (1250.5, "2"))

    def test_the_message_names_the_field_in_the_users_language(self):
        self.env.ref("base.lang_zh_CN").active = True
        self.rep.lang = "zh_CN"
        message = self.refused(self.rep, "crm.lead", "write", self.lead.ids,
                               {"name": "x\x00y"})
        self.assertIn("NUL", message)
        self.assertNotIn("contains a NUL character", message)

    def test_wrong_arity_and_malformed_ids_are_clear_errors(self):
        message = self.refused(self.rep, "crm.lead", "action_set_won",
                               self.lead.ids, "one too many")
        self.assertIn("cannot be called with these arguments", message)
        self.refused(self.rep, "crm.lead", "write")
        self.refused(self.rep, "crm.lead", "read", ["abc"])
        self.refused(self.rep, "crm.lead", "read", [True])
        self.refused(self.rep, "crm.lead", "name_get", [2 ** 40])

    def test_values_a_domain_cannot_compare_are_a_clear_error(self):
        for domain in ([("id", "=", "abc")], [("planned_revenue", ">", "much")],
                       [("create_date", ">", "someday")],
                       [("name", "no-such-operator", "x")]):
            self.refused(self.rep, "crm.lead", "search", domain)
        # the transaction goes on: the lead is still there
        self.assertEqual(self.rpc(self.rep, "crm.lead", "search",
                                  [("id", "=", self.lead.id)]), self.lead.ids)

    def test_onchange_values_are_checked_too(self):
        self.refused(self.rep, "crm.lead", "onchange", [],
                     {"name": "x\x00", "partner_id": False}, "name",
                     {"name": "", "partner_id": "1"})
        self.refused(self.rep, "crm.lead", "onchange", [], "values", "name", {})
