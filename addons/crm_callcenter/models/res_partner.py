from odoo import api, fields, models


class ResPartner(models.Model):
    """The customer's 360 view counts its calls; a customer created from a call's
    Create Customer is linked to that call."""

    _inherit = "res.partner"

    callcenter_call_count = fields.Integer(
        "Calls", compute="_compute_callcenter_call_count",
        groups="crm_core.group_callcenter_agent,crm_core.group_analyst")

    @api.multi
    def _compute_callcenter_call_count(self):
        """One grouped query; calls point at the customer (the company of a
        contact)."""
        roots = self.mapped("commercial_partner_id")
        groups = self.env["crm.callcenter.call"].read_group(
            [("partner_id", "in", roots.ids)], ["partner_id"], ["partner_id"])
        counts = {group["partner_id"][0]: group["partner_id_count"]
                  for group in groups}
        for partner in self:
            partner.callcenter_call_count = counts.get(
                partner.commercial_partner_id.id, 0)

    @api.multi
    def action_view_callcenter_calls(self):
        self.ensure_one()
        action = self.env.ref("crm_callcenter.crm_callcenter_call_action").read()[0]
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    @api.model
    def create(self, vals):
        partner = super(ResPartner, self).create(vals)
        call_id = self.env.context.get("crm_callcenter_call_id")
        if call_id:
            self.env["crm.callcenter.call"].browse(call_id).exists()._link_new_partner(
                partner)
        return partner
