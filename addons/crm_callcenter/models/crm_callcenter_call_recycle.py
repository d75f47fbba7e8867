from odoo import api, models


class CrmCallcenterCall(models.Model):
    """Deleted calls go to the recycle bin (crm_core/models/crm_recycle_mixin.py).
    Telephony events of a deleted call are still recorded on it."""

    _name = "crm.callcenter.call"
    _inherit = ["crm.callcenter.call", "crm.recycle.mixin"]
    _crm_recycle_managers = "crm_core.group_callcenter_supervisor"

    @api.multi
    def unlink(self):
        binned = self._crm_recycle()
        rest = self - binned
        return super(CrmCallcenterCall, rest).unlink() if rest else True
