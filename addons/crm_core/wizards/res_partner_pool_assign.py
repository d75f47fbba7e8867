from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class ResPartnerPoolAssign(models.TransientModel):
    """Managers assign or reassign customers (分配/客户经理更换); the history stays
    on the customer and in the pool log."""

    _name = "res.partner.pool.assign"
    _description = "Assign Customers"
    _crm_active_model = "res.partner"  # the context's active ids are of this model

    user_id = fields.Many2one(
        "res.users", "New Owner", required=True,
        domain=lambda self: [("groups_id", "in", self.env.ref(
            "sales_team.group_sale_salesman").id), ("share", "=", False)])
    reason = fields.Char(required=True)

    @api.multi
    def action_assign(self):
        self.ensure_one()
        if not self.env.user.has_group("crm_core.group_sale_team_leader"):
            raise AccessError(_("Only team leaders and sales managers assign "
                                "customers."))
        partners = self.env["res.partner"].browse(self.env.context.get("active_ids"))
        partners._check_pool_customers()
        for pool in partners.mapped("pool_id"):
            pool._give(partners.filtered(lambda p: p.pool_id == pool), self.user_id,
                       "assign", self.reason)
        return {"type": "ir.actions.act_window_close"}
