from odoo import _, api, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    """Compensation coupons are applied to a quotation of their customer: a
    negative line of the compensation product."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.multi
    def action_apply_coupon(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Apply Coupon"),
            "res_model": "sale.order.coupon.apply",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def apply_coupon(self, code):
        """Reduce this quotation by the coupon ``code`` and mark it used."""
        self.ensure_one()
        code = (code or "").strip().upper()
        if not code:
            raise UserError(_("Enter the coupon code."))
        if self.state not in ("draft", "sent"):
            raise UserError(_(
                "Order %s is confirmed: coupons apply to quotations only.")
                % self.name)
        # sudo: a code is looked up among every customer's coupons, to say why one
        # of another customer cannot be used (nothing else of it is shown)
        coupon = self.env["crm.service.coupon"].sudo().search(  # sudo: coupon lookup
            [("code", "=", code)], limit=1)
        if not coupon:
            raise UserError(_("No coupon has the code %s.") % code)
        coupon._check_usable_on(self)
        product = self.env.ref("crm_service.product_complaint_compensation")
        self.write({"order_line": [(0, 0, {
            "product_id": product.id,
            "name": _("Compensation coupon %s") % coupon.code,
            "product_uom_qty": 1.0,
            "product_uom": product.uom_id.id,
            "price_unit": -coupon.amount,
            "tax_id": [(6, 0, [])],
            "crm_coupon_id": coupon.id,
        })]})
        coupon._mark_used(self)
        return True

    @api.multi
    def copy_data(self, default=None):
        """A coupon reduces one order only: a copy leaves its line out (the lines
        are copied as sale does, down payments left out too)."""
        default = dict(default or {})
        if "order_line" not in default:
            default["order_line"] = [
                (0, 0, line.copy_data()[0]) for line in self.order_line.filtered(
                    lambda line: not line.is_downpayment and not line.crm_coupon_id)]
        return super(SaleOrder, self).copy_data(default)

    @api.multi
    def action_cancel(self):
        """A cancelled order gives its coupons back: their lines go away (a
        quotation set back to draft must not keep a reduction without a coupon)."""
        res = super(SaleOrder, self).action_cancel()
        self.mapped("order_line").filtered("crm_coupon_id").unlink()
        return res

    @api.multi
    def unlink(self):
        # the lines would go by cascade, past the line's unlink that gives the
        # coupon back
        self.mapped("order_line").filtered("crm_coupon_id").unlink()
        return super(SaleOrder, self).unlink()
