from odoo import api, models


class CrmLead(models.Model):
    """Deleted leads and opportunities go to the recycle bin
    (crm_recycle_mixin.py)."""

    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.recycle.mixin"]
    _crm_recycle_managers = "sales_team.group_sale_manager,crm_core.group_crm_admin"

    @api.multi
    def unlink(self):
        binned = self._crm_recycle()
        rest = self - binned
        return super(CrmLead, rest).unlink() if rest else True
