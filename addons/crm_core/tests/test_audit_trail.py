"""The audit trail (issue 13): changes of owners, pool and level of customers, of
opportunities and quotations are logged with the old and new values, by whom and
when; a change of nothing audited leaves no log; exports of customer data are logged
and need their own right; the CRM administrator reads the log, nobody alters it."""
from odoo.exceptions import AccessError

from .test_pool import PoolCase


class TestAuditTrail(PoolCase):

    @classmethod
    def setUpClass(cls):
        super(TestAuditTrail, cls).setUpClass()
        cls.crm_admin = cls.new_user("audit_crm_admin", ["crm_core.group_crm_admin"])
        cls.owned = cls.customer("Audit Owned Co", owner=cls.rep1)

    def logs(self, record, method="write"):
        return self.env["auditlog.log"].search([
            ("model_id.model", "=", record._name), ("res_id", "=", record.id),
            ("method", "=", method)])

    def test_the_rules_are_subscribed(self):
        rules = self.env["auditlog.rule"].search([("state", "=", "subscribed")])
        self.assertTrue({"res.partner", "crm.lead", "sale.order"}
                        <= set(rules.mapped("model_id.model")))

    def test_an_owner_change_is_logged_with_old_and_new_values(self):
        self.assertFalse(self.logs(self.owned))
        self.rpc(self.leader, "res.partner", "write", self.owned.ids,
                 {"user_id": self.rep2.id})
        log = self.logs(self.owned)
        self.assertEqual(len(log), 1)
        self.assertEqual(log.user_id, self.leader)
        line = log.line_ids.filtered(lambda row: row.field_name == "user_id")
        self.assertIn(self.rep1.name, line.old_value_text)
        self.assertIn(self.rep2.name, line.new_value_text)
        # a phone number is not audited: no empty log either
        self.rpc(self.rep2, "res.partner", "write", self.owned.ids,
                 {"phone": "+86 21 5555 0199"})
        self.assertEqual(len(self.logs(self.owned)), 1)

    def test_an_opportunity_stage_and_owner_are_logged(self):
        lead = self.env["crm.lead"].create({
            "name": "Audit deal", "type": "opportunity", "user_id": self.rep1.id,
            "planned_revenue": 1000})
        self.rpc(self.rep1, "crm.lead", "write", lead.ids,
                 {"planned_revenue": 5000})
        logs = self.logs(lead).filtered(lambda log: log.user_id == self.rep1)
        self.assertEqual(len(logs), 1)
        line = logs.line_ids.filtered(
            lambda row: row.field_name == "planned_revenue")
        self.assertEqual((line.old_value, line.new_value), ("1000.0", "5000.0"))
        # only audited fields are logged: no description, no e-mail
        self.assertTrue(set(logs.line_ids.mapped("field_name"))
                        <= set(type(lead)._crm_audited_fields))

    def test_the_crm_admin_reads_the_log_and_nobody_alters_it(self):
        self.rpc(self.leader, "res.partner", "write", self.owned.ids,
                 {"user_id": self.rep2.id})
        log = self.logs(self.owned)
        rows = self.rpc(self.crm_admin, "auditlog.log", "read", log.ids,
                        ["user_id", "method"])
        self.assertEqual(rows[0]["method"], "write")
        for user in (self.rep1, self.leader):
            with self.assertRaises(AccessError):
                self.rpc(user, "auditlog.log", "read", log.ids, ["method"])
        for method, log_args, line_args in (
                ("write", [{"method": "nothing"}], [{"new_value": "forged"}]),
                ("unlink", [], [])):
            with self.assertRaises(AccessError):
                self.rpc(self.crm_admin, "auditlog.log", method, log.ids, *log_args)
            with self.assertRaises(AccessError):
                self.rpc(self.crm_admin, "auditlog.log.line", method,
                         log.line_ids.ids, *line_args)
        self.assertEqual(self.logs(self.owned), log)

    def test_exports_of_customer_data_are_a_right_and_are_logged(self):
        with self.assertRaises(AccessError) as caught:
            self.rpc(self.rep1, "res.partner", "export_data", self.owned.ids,
                     ["name", "phone"])
        # in the user's language (the test's is Chinese), the model named in it
        self.assertIn("导出联系人", caught.exception.name)
        self.assertFalse(self.logs(self.owned, "export"))
        manager = self.new_user("audit_sales_manager",
                                ["sales_team.group_sale_manager"])
        partners = self.owned | self.customer("Audit Second Co", owner=self.rep2)
        result = self.rpc(manager, "res.partner", "export_data", partners.ids,
                          ["name", "phone"])
        self.assertEqual(len(result["datas"]), 2)
        log = self.env["auditlog.log"].search([("method", "=", "export"),
                                               ("user_id", "=", manager.id)])
        self.assertEqual(len(log), 1)
        self.assertIn("2", log.name)
        self.assertIn("phone", log.name)
