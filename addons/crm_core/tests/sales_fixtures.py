"""Fixtures of the sales target and performance tests: teams, users of each role,
products in a category tree, and helpers that post invoices and credit notes,
register payments and create opportunities with amounts one can add up by
hand."""
from odoo.tests.common import SavepointCase

from .common import CrmTestMixin


class SalesCase(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(SalesCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_notrack=True, lang="en_US"))
        cls.company = cls.env.user.company_id
        Team = cls.env["crm.team"]
        cls.team_a = Team.create({"name": "Target Team A"})
        cls.team_b = Team.create({"name": "Target Team B"})
        salesman = ["base.group_user", "sales_team.group_sale_salesman"]
        cls.rep1 = cls.new_user("tgt_rep1", salesman, sale_team_id=cls.team_a.id)
        cls.rep2 = cls.new_user("tgt_rep2", salesman, sale_team_id=cls.team_a.id)
        cls.rep3 = cls.new_user("tgt_rep3", salesman, sale_team_id=cls.team_b.id)
        cls.leader = cls.new_user(
            "tgt_leader", ["base.group_user", "crm_core.group_sale_team_leader"],
            sale_team_id=cls.team_a.id)
        cls.team_a.user_id = cls.leader
        cls.manager = cls.new_user(
            "tgt_manager", ["base.group_user", "sales_team.group_sale_manager"])
        cls.all_docs = cls.new_user(
            "tgt_all_docs",
            ["base.group_user", "sales_team.group_sale_salesman_all_leads"])
        cls.analyst = cls.new_user("tgt_analyst",
                                   ["base.group_user", "crm_core.group_analyst"])

        Category = cls.env["product.category"]
        cls.machines = Category.create({"name": "Target Machines"})
        cls.lathes = Category.create({"name": "Target Lathes",
                                      "parent_id": cls.machines.id})
        cls.services = Category.create({"name": "Target Services"})
        Product = cls.env["product.product"]
        cls.lathe = Product.create({"name": "Target Lathe", "categ_id": cls.lathes.id,
                                    "type": "consu", "standard_price": 60.0,
                                    "taxes_id": [(6, 0, [])]})
        cls.service = Product.create({"name": "Target Service", "type": "service",
                                      "categ_id": cls.services.id,
                                      "standard_price": 20.0,
                                      "taxes_id": [(6, 0, [])]})
        cls.tax = cls.env["account.tax"].create({
            "name": "Target VAT 10%", "amount": 10.0, "amount_type": "percent",
            "type_tax_use": "sale"})
        cls.income = cls.env["account.account"].search([
            ("user_type_id", "=", cls.env.ref("account.data_account_type_revenue").id),
            ("company_id", "=", cls.company.id)], limit=1)
        cls.bank = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1)
        cls.customer = cls.env["res.partner"].create(
            {"name": "Target Customer", "customer": True, "is_company": True})
        Stage = cls.env["crm.stage"]
        cls.stage_open = Stage.create({"name": "Target Open", "probability": 30.0})
        cls.stage_won = Stage.create({"name": "Target Won", "probability": 100.0,
                                      "on_change": True})

    @classmethod
    def invoice(cls, user, team, date, lines, kind="out_invoice", post=True):
        """An invoice (or credit note) of ``lines``: (product, quantity, unit price,
        taxed)."""
        invoice = cls.env["account.invoice"].create({
            "type": kind,
            "partner_id": cls.customer.id,
            "user_id": user.id if user else False,
            "team_id": team.id if team else False,
            "date_invoice": date,
            "invoice_line_ids": [(0, 0, {
                "name": product.name, "product_id": product.id,
                "quantity": quantity, "price_unit": price,
                "account_id": cls.income.id,
                "invoice_line_tax_ids": [(6, 0, cls.tax.ids if taxed else [])],
            }) for product, quantity, price, taxed in lines],
        })
        invoice.compute_taxes()
        if post:
            invoice.action_invoice_open()
        return invoice

    @classmethod
    def pay(cls, invoice, amount):
        invoice.pay_and_reconcile(cls.bank, amount)

    @classmethod
    def opportunity(cls, user, team, revenue, probability, deadline, **vals):
        values = {
            "name": "Deal %s %s" % (revenue, deadline),
            "type": "opportunity",
            "user_id": user.id if user else False,
            "team_id": team.id if team else False,
            "partner_id": cls.customer.id,
            "stage_id": cls.stage_open.id,
            "planned_revenue": revenue,
            "probability": probability,
            "date_deadline": deadline,
        }
        values.update(vals)
        return cls.env["crm.lead"].create(values)
