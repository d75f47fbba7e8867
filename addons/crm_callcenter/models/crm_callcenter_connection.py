import hmac
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.events import ExtensionRefused


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
    after_call_seconds = fields.Integer(
        "After-call Work (s)", default=30,
        help="How long an agent stays in after-call work once a call ends, before "
             "becoming available again (checked every minute); 0: until the agent "
             "clicks Available.")
    repeat_call_days = fields.Integer(
        "Repeat Call Window (days)", default=7,
        help="A customer calling again within this many days while a ticket of "
             "theirs is open is offered to attach the call to that ticket (a "
             "repeat contact: the first contact did not resolve it).")

    _sql_constraints = [
        ("token_uniq", "unique (token)", "Each connection needs its own token."),
    ]

    @api.model
    def _tz_selection(self):
        return self.env["res.partner"]._fields["tz"].selection(self.env["res.partner"])

    @api.constrains("after_call_seconds", "repeat_call_days")
    def _check_durations(self):
        for connection in self:
            if connection.after_call_seconds < 0 or connection.repeat_call_days < 0:
                raise ValidationError(_("After-call work and the repeat call window "
                                        "cannot be negative."))

    @api.constrains("token")
    def _check_token(self):
        # the token is admin-only, its length is not
        for connection in self.sudo():  # sudo: read the admin-only token to check it
            if len(connection.token or "") < 16:
                raise ValidationError(_("A connection token needs at least 16 "
                                        "characters."))

    @api.multi
    def action_new_token(self):
        """Replace the token: the phone system must send the new one from now on."""
        for connection in self:
            connection.token = secrets.token_urlsafe(32)
        return True

    @api.model
    def _authenticate(self, token):
        """The active connection whose token is ``token``, or an empty recordset.
        Every token is compared in constant time, all of them whatever matches, so
        the answer time tells nothing about the tokens."""
        found = self.browse()
        if not token:
            return found
        given = token.encode("utf-8")
        self.env.cr.execute(
            "SELECT id, token FROM crm_callcenter_connection WHERE active")
        for connection_id, stored in self.env.cr.fetchall():
            if hmac.compare_digest((stored or "").encode("utf-8"), given):
                found = self.browse(connection_id)
        return found

    @api.multi
    def _extension_of(self, number):
        """(extension id, agent id, agent's user id) of extension ``number`` of this
        connection; raises ExtensionRefused when it has no such extension."""
        self.ensure_one()
        self.env.cr.execute("""
            SELECT e.id, a.id, a.user_id
              FROM crm_callcenter_extension e
              LEFT JOIN crm_callcenter_agent a ON a.id = e.agent_id AND a.active
             WHERE e.connection_id = %s AND e.number = %s
        """, (self.id, number))
        row = self.env.cr.fetchone()
        if not row:
            raise ExtensionRefused(
                "extension", "%s is not an extension of this connection" % number)
        return row

    @api.multi
    def _extension_agents(self, numbers):
        """{extension number: (agent id, agent's user id)} for these extension
        numbers of this connection (one query; (None, None) without an agent)."""
        self.ensure_one()
        if not numbers:
            return {}
        self.env.cr.execute("""
            SELECT e.number, a.id, a.user_id
              FROM crm_callcenter_extension e
              LEFT JOIN crm_callcenter_agent a ON a.id = e.agent_id AND a.active
             WHERE e.connection_id = %s AND e.number IN %s
        """, (self.id, tuple(numbers)))
        return {number: (agent_id, user_id)
                for number, agent_id, user_id in self.env.cr.fetchall()}
