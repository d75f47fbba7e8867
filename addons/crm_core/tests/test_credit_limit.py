"""The credit-limit check on confirmation (H2) as ordinary users: exposure =
receivables + confirmed orders not yet invoiced + this order, refused above the
limit with the figures, a sales manager's override with a reason, and the rights
to set the limit and to override it."""
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import SavepointCase

from .common import CrmTestMixin


class TestCreditLimit(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestCreditLimit, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_notrack=True, lang="en_US"))
        cls.env["crm.quote.approval.rule"].search([]).write({"active": False})
        cls.team = cls.env["crm.team"].create({"name": "Credit Team"})
        cls.rep = cls.new_user(
            "credit_rep", ["base.group_user", "sales_team.group_sale_salesman"],
            sale_team_id=cls.team.id)
        cls.manager = cls.new_user(
            "credit_mgr", ["base.group_user", "sales_team.group_sale_manager"])
        cls.product = cls.env["product.product"].create({
            "name": "Credit Widget", "list_price": 100.0, "standard_price": 50.0,
            "invoice_policy": "order", "taxes_id": [(6, 0, [])]})
        cls.customer = cls.env["res.partner"].create({
            "name": "Credit Customer", "customer": True, "is_company": True,
            "user_id": cls.rep.id, "team_id": cls.team.id, "credit_limit": 1000.0})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Credit Contact", "parent_id": cls.customer.id})

    def order(self, amount, partner=None):
        """A quotation of the rep's for ``amount`` (no taxes)."""
        return self.env["sale.order"].create({
            "partner_id": (partner or self.customer).id,
            "user_id": self.rep.id,
            "team_id": self.team.id,
            "order_line": [(0, 0, {"product_id": self.product.id,
                                   "product_uom_qty": 1, "price_unit": amount})],
        })

    def override(self, order, user, reason):
        wizard = self.env["sale.order.credit.override"].sudo(user).create(
            {"order_id": order.id, "reason": reason})
        wizard.action_override()
        order.invalidate_cache()

    def test_up_to_the_limit_confirms(self):
        order = self.order(1000.0)
        self.assertEqual(order.credit_exposure, 1000.0)
        self.assertFalse(order.credit_blocked)
        order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_above_the_limit_is_refused_with_the_figures(self):
        order = self.order(1000.01)
        self.assertTrue(order.credit_blocked)
        self.assertAlmostEqual(order.credit_excess, 0.01)
        messages = len(order.message_ids)
        with self.assertRaises(UserError) as refusal:
            order.sudo(self.rep).action_confirm()
        text = refusal.exception.name
        for figure in ("1,000.00", "1,000.01", "0.01", "Credit Customer"):
            self.assertIn(figure, text)
        order.invalidate_cache()
        self.assertEqual(order.state, "draft")
        self.assertEqual(len(order.message_ids), messages)

    def test_exposure_counts_receivables_and_orders_not_yet_invoiced(self):
        uninvoiced = self.order(400.0)
        uninvoiced.action_confirm()
        invoiced = self.order(300.0)
        invoiced.action_confirm()
        invoice = self.env["account.invoice"].browse(invoiced.action_invoice_create())
        self.assertEqual(invoice.amount_total, 300.0)
        # a draft invoice is not yet owed: its order still counts as not invoiced
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.credit_exposure, 700.0)
        invoice.action_invoice_open()
        self.customer.invalidate_cache()
        self.assertEqual(self.customer.credit, 300.0)
        self.assertEqual(self.customer.credit_exposure, 700.0,
                         "300 receivable + 400 not yet invoiced")
        self.assertEqual(self.contact.credit_exposure, 700.0)
        too_much = self.order(300.01)
        self.assertAlmostEqual(too_much.credit_exposure, 1000.01)
        with self.assertRaisesRegex(UserError, r"receivables \$ 300\.00"):
            too_much.sudo(self.rep).action_confirm()
        just_enough = self.order(300.0)
        just_enough.sudo(self.rep).action_confirm()
        self.assertEqual(just_enough.state, "sale")

    def test_a_contact_orders_under_its_company_limit(self):
        self.assertEqual(self.contact.credit_limit, 1000.0)
        order = self.order(1500.0, partner=self.contact)
        with self.assertRaises(UserError):
            order.sudo(self.rep).action_confirm()

    def test_no_limit_means_no_check(self):
        self.customer.credit_limit = 0.0
        order = self.order(1000000.0)
        self.assertFalse(order.credit_blocked)
        order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_a_manager_overrides_with_a_reason(self):
        order = self.order(1500.0)
        action = order.sudo(self.manager).action_credit_override()
        self.assertEqual(action["res_model"], "sale.order.credit.override")
        self.override(order, self.manager, "Pays on delivery, bank guarantee")
        self.assertEqual(order.credit_override_by_id, self.manager)
        self.assertEqual(order.credit_override_reason,
                         "Pays on delivery, bank guarantee")
        self.assertEqual(order.credit_override_amount, 1500.0)
        self.assertFalse(order.credit_blocked)
        log = order.approval_log_ids
        self.assertEqual((log.action, log.user_id, log.reason),
                         ("credit_override", self.manager,
                          "Pays on delivery, bank guarantee"))
        self.assertIn("bank guarantee", order.message_ids[0].body)
        self.assertIn("500.00", order.message_ids[0].body)
        order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_an_override_needs_a_reason(self):
        order = self.order(1500.0)
        with self.assertRaises(UserError):
            self.override(order, self.manager, "  ")
        self.assertFalse(order.credit_override_by_id)
        self.assertFalse(order.approval_log_ids)

    def test_an_override_covers_only_its_total(self):
        order = self.order(1500.0)
        self.override(order, self.manager, "One-off project")
        order.sudo(self.rep).order_line.write({"price_unit": 1600.0})
        order.invalidate_cache()
        self.assertTrue(order.credit_blocked)
        with self.assertRaisesRegex(UserError, "covered an order total up to"):
            order.sudo(self.rep).action_confirm()

    def test_a_rep_cannot_override(self):
        order = self.order(1500.0)
        with self.assertRaises(AccessError):
            order.sudo(self.rep).action_credit_override()
        with self.assertRaises(AccessError):
            self.override(order, self.rep, "I know them well")
        with self.assertRaises(AccessError):
            order.sudo(self.rep).write({"credit_override_by_id": self.rep.id,
                                        "credit_override_amount": 9999.0})
        order.invalidate_cache()
        self.assertFalse(order.credit_override_by_id)
        with self.assertRaises(UserError):
            order.sudo(self.rep).action_confirm()

    def test_nothing_to_override_within_the_limit(self):
        order = self.order(500.0)
        with self.assertRaises(UserError):
            self.override(order, self.manager, "Just in case")

    def test_who_sets_the_limit(self):
        with self.assertRaises(AccessError):
            self.customer.sudo(self.rep).write({"credit_limit": 50000.0})
        with self.assertRaises(AccessError):
            self.env["res.partner"].sudo(self.rep).create(
                {"name": "Own Limit Co", "is_company": True, "customer": True,
                 "credit_limit": 50000.0})
        self.assertEqual(self.customer.credit_limit, 1000.0)
        # the rep edits the company: Odoo copies its commercial fields, the limit
        # included, to the contacts; an unchanged limit is no change
        self.customer.sudo(self.rep).write({"vat": "CN91310000"})
        self.assertEqual(self.contact.vat, "CN91310000")
        self.customer.sudo(self.manager).write({"credit_limit": 2000.0})
        self.assertEqual(self.customer.credit_limit, 2000.0)
        self.assertEqual(self.contact.credit_limit, 2000.0)
