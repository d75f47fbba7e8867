from odoo import models


class CrmServiceTicket(models.Model):
    """Click-to-dial on service tickets (the contact's phone)."""

    # an extension, not a new model: Odoo 11 needs _name to add a mixin
    _name = "crm.service.ticket"
    _inherit = ["crm.service.ticket", "crm.callcenter.dial.mixin"]

    _dial_fields = ("contact_phone",)

    def _dial_partner(self):
        return self.partner_id

    def _dial_call_vals(self):
        return {"ticket_id": self.id}
