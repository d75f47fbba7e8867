"""Finance on the sales side: what an order, an opportunity and a customer have had
invoiced, paid and still owe (credit notes reduce them), and the price last quoted
to a customer for a product. Fixtures with amounts that add up by hand; no taxes."""
from odoo.exceptions import AccessError

from .test_pool import PoolCase


class FinanceCase(PoolCase):

    @classmethod
    def setUpClass(cls):
        super(FinanceCase, cls).setUpClass()
        cls.partner = cls.customer("Finance Co", owner=cls.rep1, team_id=cls.team.id)
        Product = cls.env["product.product"]
        cls.widget = Product.create({"name": "Finance Widget", "type": "service",
                                     "invoice_policy": "order", "taxes_id": [(5,)]})
        cls.gadget = Product.create({"name": "Finance Gadget", "type": "service",
                                     "invoice_policy": "order", "taxes_id": [(5,)]})
        cls.bank = cls.env["account.journal"].search([("type", "=", "bank")], limit=1)

    @classmethod
    def order(cls, lines, partner=None, **vals):
        values = {
            "partner_id": (partner or cls.partner).id, "user_id": cls.rep1.id,
            "team_id": cls.team.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1,
                                   "price_unit": price, "tax_id": [(5,)]})
                           for product, price in lines]}
        values.update(vals)
        return cls.env["sale.order"].create(values)

    @staticmethod
    def invoice(orders):
        invoice = orders.env["account.invoice"].browse(orders.action_invoice_create())
        invoice.action_invoice_open()
        return invoice

    def pay(self, invoice, amount):
        invoice.pay_and_reconcile(self.bank, pay_amount=amount)

    def credit_note(self, invoice, keep_product):
        refund = invoice.refund(description="Returned")
        refund.invoice_line_ids.filtered(
            lambda line: line.product_id != keep_product).unlink()
        refund.compute_taxes()
        refund.action_invoice_open()
        return refund


class TestFinanceLinks(FinanceCase):

    def setUp(self):
        super(TestFinanceLinks, self).setUp()
        self.lead = self.env["crm.lead"].create({
            "name": "Finance deal", "type": "opportunity", "user_id": self.rep1.id,
            "team_id": self.team.id, "partner_id": self.partner.id})
        self.sale = self.order([(self.widget, 100.0), (self.gadget, 200.0)],
                               opportunity_id=self.lead.id)
        self.sale.action_confirm()

    def test_order_opportunity_and_customer_follow_invoice_payment_refund(self):
        invoice = self.invoice(self.sale)
        self.assertEqual(invoice.amount_total, 300.0)
        self.pay(invoice, 120.0)
        refund = self.credit_note(invoice, self.widget)
        self.assertEqual(refund.amount_total, 100.0)
        # the customer owes 300 - 120 paid - 100 credited = 80
        self.sale.invalidate_cache()
        self.assertEqual((self.sale.amount_invoiced, self.sale.amount_paid,
                          self.sale.amount_due), (200.0, 120.0, 80.0))
        self.lead.invalidate_cache()
        self.assertEqual(self.lead.sale_amount_total, 300.0, "booked")
        self.assertEqual((self.lead.revenue_invoiced, self.lead.revenue_paid,
                          self.lead.amount_due), (200.0, 120.0, 80.0))
        self.partner.invalidate_cache()
        self.assertEqual((self.partner.crm_invoiced, self.partner.crm_amount_due),
                         (200.0, 80.0))
        action = self.lead.action_view_invoices()
        self.assertEqual(self.env["account.invoice"].search(action["domain"]),
                         invoice | refund)
        action = self.partner.action_view_open_invoices()
        self.assertEqual(self.env["account.invoice"].search(action["domain"]),
                         invoice | refund, "both still have something open")

    def test_paying_in_full_leaves_nothing_due(self):
        invoice = self.invoice(self.sale)
        self.pay(invoice, 300.0)
        self.sale.invalidate_cache()
        self.assertEqual((self.sale.amount_paid, self.sale.amount_due), (300.0, 0.0))
        self.assertFalse(self.env["account.invoice"].search(
            self.partner.action_view_open_invoices()["domain"]))

    def test_draft_invoices_do_not_count(self):
        self.env["account.invoice"].browse(self.sale.action_invoice_create())
        self.sale.invalidate_cache()
        self.assertEqual(self.sale.amount_invoiced, 0.0)
        self.assertEqual(self.partner.crm_invoiced, 0.0)

    def test_one_invoice_for_two_orders_splits_its_payment(self):
        other = self.order([(self.widget, 300.0)], opportunity_id=self.lead.id)
        other.action_confirm()
        invoice = self.invoice(self.sale | other)
        self.assertEqual(invoice.amount_total, 600.0)
        self.pay(invoice, 300.0)
        (self.sale | other).invalidate_cache()
        self.assertEqual((self.sale.amount_invoiced, self.sale.amount_paid),
                         (300.0, 150.0))
        self.assertEqual((other.amount_invoiced, other.amount_paid), (300.0, 150.0))
        self.lead.invalidate_cache()
        self.assertEqual((self.lead.revenue_invoiced, self.lead.revenue_paid,
                          self.lead.amount_due), (600.0, 300.0, 300.0))

    def queries_for_amounts(self, orders):
        orders.invalidate_cache()
        orders.mapped("currency_id.rounding")
        with self.count_queries() as counter:
            orders.mapped("amount_due")
        return counter.count

    def test_amounts_of_many_orders_take_as_many_queries_as_one(self):
        orders = self.sale
        for _i in range(10):
            orders |= self.order([(self.widget, 10.0)])
            orders[-1].action_confirm()
        self.invoice(orders[1:])
        few = self.queries_for_amounts(orders[:2])
        self.assertEqual(self.queries_for_amounts(orders), few)
        self.assertLessEqual(few, 3)

    def test_who_sees_the_customers_receivable(self):
        self.assertEqual(self.partner.sudo(self.rep1).crm_amount_due, 0.0)
        marketing = self.new_user("finance_marketing",
                                  ["base.group_user", "crm_core.group_marketing_user"])
        with self.assertRaises(AccessError):
            self.partner.sudo(marketing).read(["crm_amount_due"])


class TestLastPrice(FinanceCase):

    def test_the_newest_other_quote_to_this_customer(self):
        old = self.order([(self.widget, 90.0)], date_order="2026-01-05 10:00:00")
        newer = self.order([(self.widget, 95.0)], date_order="2026-03-05 10:00:00")
        cancelled = self.order([(self.widget, 70.0)],
                               date_order="2026-04-05 10:00:00")
        cancelled.action_cancel()
        elsewhere = self.customer("Finance Other Co", owner=self.rep1)
        self.order([(self.widget, 50.0)], partner=elsewhere,
                   date_order="2026-05-05 10:00:00")
        self.assertEqual(newer.order_line.last_price_unit, 90.0,
                         "its own line does not count")
        self.assertEqual(old.order_line.last_price_unit, 95.0)
        current = self.order([(self.widget, 99.0), (self.gadget, 10.0)])
        widget_line, gadget_line = current.order_line
        self.assertEqual(widget_line.last_price_unit, 95.0)
        self.assertEqual(widget_line.last_price_date, "2026-03-05 10:00:00")
        self.assertEqual(gadget_line.last_price_unit, 0.0, "never quoted before")

    def test_a_contact_shares_its_company_history(self):
        contact = self.env["res.partner"].create(
            {"name": "Finance Buyer", "parent_id": self.partner.id})
        self.order([(self.widget, 88.0)], partner=contact)
        current = self.order([(self.widget, 99.0)])
        self.assertEqual(current.order_line.last_price_unit, 88.0)

    def test_one_query_however_many_lines(self):
        products = self.env["product.product"]
        for index in range(20):
            products |= products.create({"name": "Finance Part %d" % index})
        self.order([(product, 5.0) for product in products])
        current = self.order([(product, 6.0) for product in products])
        lines = current.order_line
        lines.invalidate_cache()
        lines.mapped("order_id.partner_id.commercial_partner_id")
        lines.mapped("product_id")
        with self.assertMaxQueries(2):
            prices = lines.mapped("last_price_unit")
        self.assertEqual(prices, [5.0] * 20)
