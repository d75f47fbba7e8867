from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmLeadLost(models.TransientModel):
    """Odoo's "Mark as lost" dialog asks for a loss reason from the dictionary and,
    for reasons that say so (e.g. lost to a competitor), the competitor who won.
    Odoo's own lost reason is then the one the dictionary value names."""

    _inherit = "crm.lead.lost"
    _crm_active_model = "crm.lead"  # the context's active ids are of this model

    reason_id = fields.Many2one(
        "crm.dictionary.item", "Loss Reason",
        domain=[("dictionary_code", "=", "lost_reason")])
    competitor_id = fields.Many2one(
        "crm.dictionary.item", "Won by Competitor",
        domain=[("dictionary_code", "=", "competitor")])
    requires_competitor = fields.Boolean(related="reason_id.requires_competitor",
                                         readonly=True)

    @api.multi
    def action_lost_reason_apply(self):
        self.ensure_one()
        if not self.reason_id or self.reason_id.dictionary_code != "lost_reason":
            raise UserError(_("Choose a loss reason (field Loss Reason)."))
        if self.competitor_id and self.competitor_id.dictionary_code != "competitor":
            raise UserError(_("%s is not a competitor (field Won by Competitor).")
                            % self.competitor_id.name)
        if self.reason_id.requires_competitor and not self.competitor_id:
            raise UserError(_(
                "The loss reason %s needs the competitor who won the deal (field Won "
                "by Competitor).") % self.reason_id.name)
        leads = self.env["crm.lead"].browse(self.env.context.get("active_ids"))
        if not leads:
            raise UserError(_("Select the deals to mark as lost."))
        leads.write({"lost_reason_id": self.reason_id.id,
                     "competitor_id": self.competitor_id.id or False})
        # Odoo's dialog then sets its own reason and marks the deals lost
        self.lost_reason_id = self.reason_id.crm_lost_reason_id
        return super(CrmLeadLost, self).action_lost_reason_apply()
