from odoo import fields, models


class SaleOrderCouponApply(models.TransientModel):
    """Asks the salesperson for the code of the customer's compensation coupon."""

    _name = "sale.order.coupon.apply"
    _description = "Apply a Compensation Coupon"

    order_id = fields.Many2one("sale.order", "Quotation", required=True,
                               ondelete="cascade")
    code = fields.Char("Coupon Code", required=True)

    def action_apply(self):
        self.ensure_one()
        self.order_id.apply_coupon(self.code)
        return {"type": "ir.actions.act_window_close"}
