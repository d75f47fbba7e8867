from odoo import _, api, models
from odoo.exceptions import UserError


class CrmCallcenterDialMixin(models.AbstractModel):
    """Click-to-dial for a record with phone fields: its "Call" buttons
    (``action_dial`` with ``dial_field`` in the context) dial the field's number
    from the current user's extension."""

    _name = "crm.callcenter.dial.mixin"
    _description = "Click-to-dial"

    #: the fields a "Call" button may dial
    _dial_fields = ("phone", "mobile")

    @api.multi
    def action_dial(self):
        self.ensure_one()
        field = self.env.context.get("dial_field") or self._dial_fields[0]
        if field not in self._dial_fields:
            raise UserError(_("%s cannot be dialled.") % field)
        number = self[field]
        if not number:
            raise UserError(_("There is no number to call."))
        log = self.env["crm.callcenter.connection"]._dial_for_user(
            number, partner=self._dial_partner(), origin=self,
            call_vals=self._dial_call_vals())
        return log._action_show()

    def _dial_partner(self):
        """The customer being called."""
        return self.env["res.partner"]

    def _dial_call_vals(self):
        """What the call started by the button links to."""
        return {}
