from odoo import fields, models


class CrmCallcenterTokenShow(models.TransientModel):
    """Shows a connection's new token once: only its hash is stored, so this dialog
    (readable by the administrator who made it, deleted within the hour) is the
    only place it can be copied from."""

    _name = "crm.callcenter.token.show"
    _description = "New Telephony Token"

    connection_id = fields.Many2one("crm.callcenter.connection", required=True,
                                    readonly=True, ondelete="cascade")
    token = fields.Char(readonly=True)
