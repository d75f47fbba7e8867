from odoo import api, fields, models
from odoo.addons import decimal_precision as dp


class SaleOrder(models.Model):
    _inherit = "sale.order"

    amount_invoiced = fields.Monetary(
        "Invoiced", compute="_compute_payment_amounts",
        help="Posted invoices of this order, less its credit notes, taxes included.")
    amount_paid = fields.Monetary("Paid", compute="_compute_payment_amounts")
    amount_due = fields.Monetary(compute="_compute_payment_amounts")

    @api.multi
    def _compute_payment_amounts(self):
        amounts = self.env["crm.finance"]._order_amounts("order", self.ids)
        for order in self:
            invoiced, paid = amounts.get(order.id, (0.0, 0.0, 0.0, 0.0))[:2]
            order.amount_invoiced = invoiced
            order.amount_paid = paid
            order.amount_due = invoiced - paid

    @api.multi
    def action_confirm(self):
        """The first confirmed order makes its customer a customer (成交)."""
        res = super(SaleOrder, self).action_confirm()
        partners = self.mapped("partner_id.commercial_partner_id").filtered(
            lambda p: p.lifecycle_state != "customer")
        # whoever may confirm the order moves its customer's lifecycle
        partners.sudo().write({"lifecycle_state": "customer"})  # sudo: see above
        return res


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    salesman_id = fields.Many2one(index=True)  # the own and department scopes
    # The order's team on each line, indexed, for the team data scope: a rule through
    # order_id.team_id would make Odoo 11 list every order of the team in the query.
    order_team_id = fields.Many2one(
        "crm.team", "Sales Team", related="order_id.team_id", store=True,
        index=True, readonly=True)

    last_price_unit = fields.Float(
        "Last Price", compute="_compute_last_price", digits=dp.get_precision(
            "Product Price"),
        help="The unit price last quoted to this customer for this product, on "
             "another quotation or order (报价明细).")
    last_price_date = fields.Datetime("Last Quoted", compute="_compute_last_price")

    @api.multi
    def _compute_last_price(self):
        """One query for all the lines: the newest other line of the same customer
        (commercial entity) and product."""
        lines = self.filtered(lambda line: line.product_id and line.order_id.partner_id)
        keys = {(line.order_id.partner_id.commercial_partner_id.id,
                 line.product_id.id) for line in lines}
        found = {}
        if keys:
            partners, products = zip(*keys)
            self.env.cr.execute("""
                SELECT DISTINCT ON (p.commercial_partner_id, l.product_id)
                       p.commercial_partner_id, l.product_id, l.price_unit,
                       o.date_order, l.order_id
                  FROM sale_order_line l
                  JOIN sale_order o ON o.id = l.order_id
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE p.commercial_partner_id IN %s AND l.product_id IN %s
                   AND o.state != 'cancel' AND NOT (l.order_id IN %s)
                 ORDER BY p.commercial_partner_id, l.product_id, o.date_order DESC,
                          l.id DESC
            """, (tuple(set(partners)), tuple(set(products)),
                  tuple(i for i in self.mapped("order_id").ids
                        if isinstance(i, int)) or (0,)))
            found = {(r[0], r[1]): (r[2], r[3]) for r in self.env.cr.fetchall()}
        for line in self:
            key = (line.order_id.partner_id.commercial_partner_id.id,
                   line.product_id.id)
            line.last_price_unit, line.last_price_date = found.get(key, (0.0, False))
