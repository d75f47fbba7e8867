from odoo import api, fields, models


class SaleOrderCreditOverride(models.TransientModel):
    """A sales manager lets a quotation be confirmed above its customer's credit
    limit, with a reason."""

    _name = "sale.order.credit.override"
    _description = "Override a Customer's Credit Limit"

    order_id = fields.Many2one("sale.order", "Quotation", required=True,
                               ondelete="cascade", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", "Customer", related="order_id.partner_id.commercial_partner_id",
        readonly=True)
    currency_id = fields.Many2one(
        "res.currency", related="order_id.company_id.currency_id", readonly=True)
    credit_limit = fields.Float(related="order_id.credit_limit", readonly=True)
    credit_exposure = fields.Monetary(related="order_id.credit_exposure",
                                      readonly=True)
    credit_excess = fields.Monetary(related="order_id.credit_excess", readonly=True)
    reason = fields.Text(required=True)

    @api.multi
    def action_override(self):
        self.ensure_one()
        self.order_id._credit_override(self.reason)
        return {"type": "ir.actions.act_window_close"}
