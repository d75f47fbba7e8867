from odoo import api, models

from .crm_service_ticket import OPEN_STATES


class CrmServiceTicket(models.Model):
    """Deleted tickets go to the recycle bin (crm_core/models/crm_recycle_mixin.py);
    a deleted ticket is not open, so SLA, escalation and dispatch leave it alone."""

    _name = "crm.service.ticket"
    _inherit = ["crm.service.ticket", "crm.recycle.mixin"]
    _crm_recycle_managers = "crm_core.group_service_manager"

    @api.depends("state", "crm_deleted_at")
    def _compute_is_open(self):
        for ticket in self:
            ticket.is_open = ticket.state in OPEN_STATES and not ticket.crm_deleted_at

    @api.multi
    def unlink(self):
        binned = self._crm_recycle()
        rest = self - binned
        return super(CrmServiceTicket, rest).unlink() if rest else True
