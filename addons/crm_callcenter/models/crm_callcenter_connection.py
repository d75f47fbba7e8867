import hashlib
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import config

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
    # The token itself is never stored: its SHA-256 is, and the administrator sees
    # a new token once, when it is made (New Token). Setting ``token`` (data files,
    # the API) stores its hash.
    token = fields.Char(
        compute="_compute_token", inverse="_inverse_token", copy=False,
        groups="crm_core.group_crm_admin",
        help="The PBX sends it as 'Authorization: Bearer <token>'. Stored only as "
             "a hash: shown once, when New Token makes it.")
    token_hash = fields.Char(
        required=True, copy=False, index=True, readonly=True,
        groups="crm_core.group_crm_admin",
        default=lambda self: _hash_token(secrets.token_urlsafe(32)))
    token_hint = fields.Char(
        "Token Ends With", readonly=True, copy=False,
        help="The last characters of the token, to tell which one the phone "
             "system has.")
    demo_token = fields.Boolean(
        readonly=True, copy=False,
        help="A token published with the demo data: refused unless the server "
             "runs the demo (crm_demo_credentials in its configuration).")
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
    # what the PBX expects from us: a credential of the PBX's, which we must send
    # and so keep (as Odoo keeps its mail servers' passwords), for admins only
    originate_token = fields.Char(
        copy=False, groups="crm_core.group_crm_admin",
        help="Sent to the originate URL as 'Authorization: Bearer <token>', if the "
             "phone system asks for one.")
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
        ("token_hash_uniq", "unique (token_hash)",
         "Each connection needs its own token."),
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

    def _compute_token(self):
        for connection in self:
            connection.token = False  # never readable: only its hash is kept

    def _inverse_token(self):
        for connection in self:
            token = connection.token
            if not token:
                continue
            if not isinstance(token, str) or len(token) < 16 or token != token.strip():
                raise ValidationError(_(
                    "A connection token needs at least 16 characters, without "
                    "spaces around them."))
            connection.sudo().write({  # sudo: the hash is admin-only, as the token
                "token_hash": _hash_token(token), "token_hint": token[-4:]})

    @api.multi
    def action_new_token(self):
        """Replace the token and show the new one, once: the phone system must send
        it from now on."""
        self.ensure_one()
        token = secrets.token_urlsafe(32)
        self.write({"token": token, "demo_token": False})
        wizard = self.env["crm.callcenter.token.show"].create(
            {"connection_id": self.id, "token": token})
        return {
            "type": "ir.actions.act_window",
            "name": _("New Token"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _authenticate(self, token):
        """The active connection whose token is ``token``, or an empty recordset:
        found by the token's hash (a lookup of a hash tells nothing of the token).
        A demo token works only on a demo server."""
        if not token or not isinstance(token, str):
            return self.browse()
        self.env.cr.execute(
            "SELECT id, demo_token FROM crm_callcenter_connection "
            "WHERE active AND token_hash = %s", (_hash_token(token),))
        row = self.env.cr.fetchone()
        if not row or (row[1] and not demo_credentials_allowed()):
            return self.browse()
        return self.browse(row[0])

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


def _hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def demo_credentials_allowed():
    """Does this server run the demo (its configuration's crm_demo_credentials),
    so that the tokens and passwords published with the demo data work?"""
    value = config.get("crm_demo_credentials")
    return str(value).strip().lower() in ("1", "true", "yes")
