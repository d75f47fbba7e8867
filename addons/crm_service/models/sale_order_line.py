from odoo import _, api, fields, models


class SaleOrderLine(models.Model):
    """The line a compensation coupon added: removing it gives the coupon back."""

    _inherit = "sale.order.line"

    crm_coupon_id = fields.Many2one("crm.service.coupon", "Coupon", readonly=True,
                                    copy=False, index=True)

    @api.multi
    def unlink(self):
        # sudo: salespeople read coupons; removing the line gives theirs back
        coupons = self.sudo().mapped("crm_coupon_id")  # sudo: coupon return
        res = super(SaleOrderLine, self).unlink()
        coupons._release(_("The order line the coupon was used on was removed."))
        return res
