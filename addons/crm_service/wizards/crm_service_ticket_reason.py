from odoo import fields, models


class CrmServiceTicketReason(models.TransientModel):
    """Asks why a ticket is cancelled, reopened or its dispatch refused."""

    _name = "crm.service.ticket.reason"
    _description = "Ticket Reason"
    # the context's active ids are of this model
    _crm_active_model = "crm.service.ticket"

    action = fields.Selection(
        [("cancel", "Cancel"), ("reopen", "Reopen"), ("refuse", "Refuse the Dispatch")],
        required=True)
    reason = fields.Text(required=True)

    def _tickets(self):
        ids = self.env.context.get("active_ids") or []
        if self.env.context.get("active_model") != "crm.service.ticket":
            ids = []
        return self.env["crm.service.ticket"].browse(ids)

    def action_confirm(self):
        self.ensure_one()
        getattr(self._tickets(), self.action)(self.reason)
        return {"type": "ir.actions.act_window_close"}
