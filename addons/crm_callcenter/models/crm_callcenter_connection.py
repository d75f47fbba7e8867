import secrets

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmCallcenterConnection(models.Model):
    """One phone system (PBX or cloud call center) at one site: it posts its events
    with its own token, owns its extensions, and dials through its adapter. Several
    connections live in one database (multi-site)."""

    _name = "crm.callcenter.connection"
    _description = "Telephony Connection"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.user.company_id)
    site = fields.Char(help="Where this phone system is, e.g. 上海 or Chengdu.")
    token = fields.Char(
        required=True, copy=False, groups="crm_core.group_crm_admin",
        default=lambda self: secrets.token_urlsafe(32),
        help="The PBX sends it as 'Authorization: Bearer <token>'.")
    timezone = fields.Selection(
        "_tz_selection", default="Asia/Shanghai", required=True,
        help="Timezone of the times in this PBX's events and CDR files when they "
             "carry none.")
    country_code = fields.Char(
        default="CN", required=True,
        help="Country of numbers dialled without a country prefix.")
    adapter = fields.Selection(
        [("local", "Local (records what it would send)"), ("http", "HTTP originate")],
        default="local", required=True)
    originate_url = fields.Char("Originate URL")
    extension_ids = fields.One2many("crm.callcenter.extension", "connection_id",
                                    "Extensions")

    _sql_constraints = [
        ("token_uniq", "unique (token)", "Each connection needs its own token."),
    ]

    @api.model
    def _tz_selection(self):
        return self.env["res.partner"]._fields["tz"].selection(self.env["res.partner"])

    @api.constrains("token")
    def _check_token(self):
        # the token is admin-only, its length is not
        for connection in self.sudo():  # sudo: read the admin-only token to check it
            if len(connection.token or "") < 16:
                raise ValidationError(_("A connection token needs at least 16 "
                                        "characters."))

    def action_new_token(self):
        for connection in self:
            connection.token = secrets.token_urlsafe(32)
        return True
