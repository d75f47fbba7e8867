from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.multi
    def action_confirm(self):
        """The first confirmed order makes its customer a customer (成交)."""
        res = super(SaleOrder, self).action_confirm()
        partners = self.mapped("partner_id.commercial_partner_id").filtered(
            lambda p: p.lifecycle_state != "customer")
        # whoever may confirm the order moves its customer's lifecycle
        partners.sudo().write({"lifecycle_state": "customer"})  # sudo: see above
        return res
