from odoo import fields, models


class CrmFollowup(models.Model):
    """A follow-up logged from a call keeps the call."""

    _inherit = "crm.followup"

    callcenter_call_id = fields.Many2one(
        "crm.callcenter.call", "Call", index=True, ondelete="set null")
