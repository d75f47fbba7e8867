from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ResPartnerPoolRelease(models.TransientModel):
    """Release customers to their pool (退回) with a reason."""

    _name = "res.partner.pool.release"
    _description = "Release Customers to the Pool"
    _crm_active_model = "res.partner"  # the context's active ids are of this model

    reason_id = fields.Many2one(
        "crm.dictionary.item", required=True,
        domain=[("dictionary_code", "=", "release_reason")])
    note = fields.Char()

    @api.multi
    def action_release(self):
        self.ensure_one()
        partners = self.env["res.partner"].browse(self.env.context.get("active_ids"))
        partners._check_pool_customers()
        user = self.env.user
        is_manager = user.has_group("sales_team.group_sale_manager")
        not_mine = partners.filtered(
            lambda p: p.pool_state != "owned" or (p.user_id != user and not is_manager))
        if not_mine:
            raise UserError(_("You can only release customers you own: %s")
                            % ", ".join(not_mine.mapped("name")))
        reason = self.reason_id.name + (": %s" % self.note if self.note else "")
        for pool in partners.mapped("pool_id"):
            pool._release(partners.filtered(lambda p: p.pool_id == pool),
                          "release", reason)
        return {"type": "ir.actions.act_window_close"}
