"""Lead to cash, as the people who do it (never admin): a rep qualifies a lead into
an opportunity for a new customer, quotes it with a discount that needs approval, a
sales manager approves, the rep confirms, accounting invoices and receives part of
the payment, the rep marks the deal won. Every link between the records and every
amount is checked, down to the rep's target, the funnel and the performance review.
"""
from odoo import fields
from odoo.addons.crm_core.tests.common import CrmTestMixin
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import SavepointCase


class TestLeadToCash(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestLeadToCash, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US",
                                       tracking_disable=True, mail_notrack=True))
        cls.env["crm.quote.approval.rule"].search([]).write({"active": False})
        cls.team = cls.env["crm.team"].create({"name": "Flow Team"})
        cls.rep = cls.new_user(
            "flow_rep", ["base.group_user", "sales_team.group_sale_salesman"],
            sale_team_id=cls.team.id)
        cls.manager = cls.new_user(
            "flow_manager", ["base.group_user", "sales_team.group_sale_manager"])
        cls.accountant = cls.new_user(
            "flow_accountant", ["base.group_user", "account.group_account_invoice"])
        cls.rule = cls.env["crm.quote.approval.rule"].create({
            "name": "Flow: discount above 15 %", "condition": "discount",
            "discount_threshold": 15.0, "team_ids": [(6, 0, cls.team.ids)],
            "approver_group_id": cls.env.ref("sales_team.group_sale_manager").id})
        cls.product = cls.env["product.product"].create({
            "name": "Flow Lathe", "type": "service", "invoice_policy": "order",
            "list_price": 1000.0, "standard_price": 600.0, "taxes_id": [(5,)]})
        today = fields.Date.from_string(fields.Date.context_today(cls.env.user))
        cls.month_start = fields.Date.to_string(today.replace(day=1))
        cls.target = cls.env["crm.sales.target"].sudo(cls.manager).create({
            "user_id": cls.rep.id, "period_type": "month",
            "date_start": cls.month_start, "amount": 20000.0})
        cls.bank = cls.env["account.journal"].search([("type", "=", "bank")], limit=1)

    def test_lead_to_cash(self):
        # 1. a lead, qualified into an opportunity for a new customer
        lead = self.env["crm.lead"].sudo(self.rep).create({
            "name": "Flow: 10 lathes", "type": "lead", "team_id": self.team.id,
            "partner_name": "Flow Machinery Ltd", "contact_name": "Zhao Lei",
            "mobile": "139 1234 0001", "planned_revenue": 10000.0})
        wizard = self.env["crm.lead2opportunity.partner"].sudo(self.rep).with_context(
            active_model="crm.lead", active_id=lead.id, active_ids=lead.ids
        ).create({"name": "convert", "action": "create"})
        wizard.action_apply()
        self.assertEqual(lead.type, "opportunity")
        customer = lead.partner_id.commercial_partner_id
        self.assertEqual(customer.name, "Flow Machinery Ltd")
        self.assertEqual((customer.user_id, customer.pool_state),
                         (self.rep, "owned"), "the new customer is the rep's")
        self.assertTrue(customer.customer_code)

        # 2. a quotation from the opportunity, 20 % off: it needs approval
        order = self.env["sale.order"].sudo(self.rep).create({
            "partner_id": lead.partner_id.id, "opportunity_id": lead.id,
            "team_id": self.team.id,
            "order_line": [(0, 0, {"product_id": self.product.id,
                                   "product_uom_qty": 10, "price_unit": 1000.0,
                                   "discount": 20.0, "tax_id": [(5,)]})]})
        self.assertEqual(order.amount_untaxed, 8000.0)
        self.assertEqual(lead.order_ids, order)
        with self.assertRaisesRegex(UserError, "Flow: discount above 15 %"):
            order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, "draft", "nothing confirmed")

        # 3. approval: requested by the rep, refused to the rep, given by a manager
        order.sudo(self.rep).action_request_approval()
        self.assertEqual(order.approval_state, "to_approve")
        with self.assertRaisesRegex(AccessError, "it is your own"):
            order.sudo(self.rep).action_approve()
        order.sudo(self.manager).action_approve()
        self.assertEqual((order.approval_state, order.approved_by_id),
                         ("approved", self.manager))

        # 4. the order: the customer becomes a customer (成交)
        order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(customer.lifecycle_state, "customer")
        self.assertEqual(lead.sale_amount_total, 8000.0, "booked")

        # 5. accounting invoices it and receives 5,000 of the 8,000
        invoice = self.env["account.invoice"].browse(
            order.sudo(self.accountant).action_invoice_create())
        invoice.sudo(self.accountant).action_invoice_open()
        self.assertEqual(order.invoice_ids, invoice)
        self.assertEqual(invoice.origin, order.name)
        self.assertEqual(invoice.invoice_line_ids.mapped("sale_line_ids"),
                         order.order_line)
        self.assertEqual((invoice.user_id, invoice.team_id), (self.rep, self.team))
        self.assertEqual(invoice.amount_total, 8000.0)
        invoice.sudo(self.accountant).pay_and_reconcile(self.bank, pay_amount=5000.0)
        self.assertEqual((invoice.state, invoice.residual), ("open", 3000.0))

        # 6. the deal is won
        lead.sudo(self.rep).action_set_won()
        self.assertEqual(lead.probability, 100.0)

        # every amount, where each user looks at it
        for record in (order, lead, customer, self.target):
            record.invalidate_cache()
        seen = order.sudo(self.rep)
        self.assertEqual((seen.amount_invoiced, seen.amount_paid, seen.amount_due),
                         (8000.0, 5000.0, 3000.0))
        seen = lead.sudo(self.rep)
        self.assertEqual((seen.revenue_invoiced, seen.revenue_paid, seen.amount_due),
                         (8000.0, 5000.0, 3000.0))
        self.assertEqual(
            self.env["account.invoice"].search(seen.action_view_invoices()["domain"]),
            invoice)
        seen = customer.sudo(self.rep)
        self.assertEqual((seen.crm_invoiced, seen.crm_amount_due), (8000.0, 3000.0))
        target = self.target.sudo(self.rep)
        self.assertEqual((target.attained_amount, target.paid_amount),
                         (8000.0, 5000.0))
        self.assertAlmostEqual(target.attainment_pct, 40.0)

        funnel = self.env["crm.funnel.report"].sudo(self.manager).search(
            [("lead_id", "=", lead.id)])
        self.assertIn(lead.stage_id, funnel.mapped("stage_id"), "the won stage")
        self.assertGreaterEqual(len(funnel), 2, "a first stage, then won")
        for row in funnel:
            self.assertEqual((row.nbr_reached, row.nbr_won, row.expected_revenue),
                             (1, 1, 10000.0))
        review = self.env["crm.rep.performance.report"].sudo(self.rep).search(
            [("user_id", "=", self.rep.id)])
        self.assertGreaterEqual(sum(review.mapped("advanced_count")), 1,
                                "moved on to the won stage")
        self.assertEqual(sum(review.mapped("order_count")), 1)
        self.assertEqual(sum(review.mapped("order_amount")), 8000.0)
        self.assertEqual(sum(review.mapped("margin_amount")), 8000.0 - 6000.0)
        self.assertEqual(sum(review.mapped("invoiced_amount")), 8000.0)
        self.assertEqual(sum(review.mapped("paid_amount")), 5000.0)
