from odoo import api, fields, models
from odoo.addons import decimal_precision as dp

# Changes to these line fields can change whether a quotation needs approval.
APPROVAL_LINE_FIELDS = {"product_id", "product_uom", "product_uom_qty",
                        "price_unit", "discount"}


class SaleOrderLine(models.Model):
    """The margin of each line (the product's cost when the line was quoted), for the
    quote approval rules, and the approval check after any change of a line."""

    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    cost_price = fields.Float(
        "Unit Cost", compute="_compute_cost_price", store=True, readonly=True,
        digits=dp.get_precision("Product Price"),
        help="The product's cost per unit of this line, in the order's currency, "
             "when the product was chosen.")
    margin_amount = fields.Monetary(
        "Margin", compute="_compute_margin_amount", store=True, readonly=True,
        help="Subtotal minus unit cost times quantity.")

    @api.multi
    @api.depends("product_id", "product_uom", "order_id.currency_id",
                 "order_id.company_id")
    def _compute_cost_price(self):
        for company in self.mapped("order_id.company_id"):
            lines = self.filtered(
                lambda line, c=company: line.order_id.company_id == c)
            products = lines.mapped("product_id").with_context(
                force_company=company.id)
            costs = {product.id: product.standard_price for product in products}
            for line in lines:
                if not line.product_id:
                    line.cost_price = 0.0
                    continue
                cost = costs[line.product_id.id]
                if line.product_uom and line.product_uom != line.product_id.uom_id:
                    cost = line.product_id.uom_id._compute_price(cost, line.product_uom)
                currency = line.order_id.currency_id
                if currency and currency != company.currency_id:
                    cost = company.currency_id.with_context(
                        date=line.order_id.date_order).compute(cost, currency,
                                                               round=False)
                line.cost_price = cost

    @api.multi
    @api.depends("price_subtotal", "cost_price", "product_uom_qty")
    def _compute_margin_amount(self):
        for line in self:
            line.margin_amount = line.price_subtotal \
                - line.cost_price * line.product_uom_qty

    # --- CRUD: a changed line may change whether its quotation needs approval --------

    @api.model
    def create(self, vals):
        line = super(SaleOrderLine, self).create(vals)
        line.order_id._approval_recheck()
        return line

    @api.multi
    def write(self, vals):
        orders = self.mapped("order_id")
        res = super(SaleOrderLine, self).write(vals)
        if APPROVAL_LINE_FIELDS & set(vals):
            (orders | self.mapped("order_id"))._approval_recheck()
        return res

    @api.multi
    def unlink(self):
        orders = self.mapped("order_id")
        res = super(SaleOrderLine, self).unlink()
        orders.exists()._approval_recheck()
        return res
