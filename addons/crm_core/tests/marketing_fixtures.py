"""Fixtures of the marketing tests: marketing users and managers, a salesperson,
a customer, a service product, and helpers that post vendor bills, invoice and
pay orders and refund invoices, with amounts one can add up by hand (no
taxes)."""
from odoo.tests.common import SavepointCase

from .common import CrmTestMixin

MARKETING_USER = ["base.group_user", "crm_core.group_marketing_user"]
MARKETING_MANAGER = ["base.group_user", "crm_core.group_marketing_manager"]
SALESMAN = ["base.group_user", "sales_team.group_sale_salesman"]


class MarketingCase(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(MarketingCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_notrack=True, lang="en_US"))
        cls.company = cls.env.user.company_id
        cls.team = cls.env["crm.team"].create({"name": "Marketing Test Team"})
        cls.marketer = cls.new_user("mkt_user1", MARKETING_USER)
        cls.marketer2 = cls.new_user("mkt_user2", MARKETING_USER)
        cls.mkt_manager = cls.new_user("mkt_manager", MARKETING_MANAGER)
        cls.rep = cls.new_user("mkt_rep", SALESMAN, sale_team_id=cls.team.id)
        cls.customer = cls.env["res.partner"].create({
            "name": "ROI Customer", "customer": True, "is_company": True,
            "user_id": cls.rep.id})
        cls.vendor = cls.env["res.partner"].create({
            "name": "Fair Organiser", "supplier": True, "customer": False,
            "is_company": True})
        cls.service = cls.env["product.product"].create({
            "name": "ROI Service", "type": "service", "invoice_policy": "order",
            "taxes_id": [(5,)], "supplier_taxes_id": [(5,)]})
        cls.expense = cls.env["account.account"].search([
            ("user_type_id", "=", cls.env.ref("account.data_account_type_expenses").id),
            ("company_id", "=", cls.company.id)], limit=1)
        cls.bank = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)

    @classmethod
    def campaign(cls, name, owner=None, **vals):
        values = {"name": name, "user_id": (owner or cls.marketer).id}
        values.update(vals)
        return cls.env["utm.campaign"].create(values)

    @classmethod
    def bill(cls, amount, line_campaign=None, bill_campaign=None, kind="in_invoice"):
        """A posted vendor bill (or its credit note) of one line."""
        bill = cls.env["account.invoice"].create({
            "type": kind,
            "partner_id": cls.vendor.id,
            "campaign_id": bill_campaign.id if bill_campaign else False,
            "invoice_line_ids": [(0, 0, {
                "name": "Booth", "quantity": 1, "price_unit": amount,
                "account_id": cls.expense.id,
                "campaign_id": line_campaign.id if line_campaign else False,
            })],
        })
        bill.action_invoice_open()
        return bill

    @classmethod
    def order(cls, amount, campaign=None, partner=None, **vals):
        values = {
            "partner_id": (partner or cls.customer).id, "user_id": cls.rep.id,
            "campaign_id": campaign.id if campaign else False,
            "order_line": [(0, 0, {"product_id": cls.service.id, "product_uom_qty": 1,
                                   "price_unit": amount, "tax_id": [(5,)]})]}
        values.update(vals)
        return cls.env["sale.order"].create(values)

    @classmethod
    def invoice(cls, orders):
        invoice = cls.env["account.invoice"].browse(orders.action_invoice_create())
        invoice.action_invoice_open()
        return invoice

    @classmethod
    def pay(cls, invoice, amount=None):
        invoice.pay_and_reconcile(cls.bank, pay_amount=amount or invoice.residual)

    @classmethod
    def refund(cls, invoice):
        """A posted credit note of the whole invoice."""
        credit_note = invoice.refund(description="Returned")
        credit_note.action_invoice_open()
        return credit_note
