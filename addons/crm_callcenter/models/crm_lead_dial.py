from odoo import models


class CrmLead(models.Model):
    """Click-to-dial on leads and opportunities."""

    # an extension, not a new model: Odoo 11 needs _name to add a mixin
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.callcenter.dial.mixin"]

    def _dial_partner(self):
        return self.partner_id

    def _dial_call_vals(self):
        return {"lead_id": self.id, "campaign_id": self.campaign_id.id or False}
