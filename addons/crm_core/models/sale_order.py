from odoo import api, fields, models


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


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    salesman_id = fields.Many2one(index=True)  # the own and department scopes
    # The order's team on each line, indexed, for the team data scope: a rule through
    # order_id.team_id would make Odoo 11 list every order of the team in the query.
    order_team_id = fields.Many2one(
        "crm.team", "Sales Team", related="order_id.team_id", store=True,
        index=True, readonly=True)
