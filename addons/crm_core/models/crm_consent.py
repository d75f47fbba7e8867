from odoo import _, api, fields, models
from odoo.exceptions import AccessError

CONSENT_CHANNELS = [("email", "Email"), ("sms", "SMS"), ("phone", "Phone")]
CONSENT_PURPOSES = [
    ("marketing", "Marketing"),
    ("service", "Service"),
    ("third_party", "Sharing with Third Parties"),
]
CONSENT_SOURCES = [
    ("manual", "Recorded by Staff"),
    ("form", "Web Form"),
    ("portal", "Customer Portal"),
    ("phone", "Phone Call"),
    ("email_link", "Unsubscribe Link"),
    ("sms_reply", "SMS Reply (TD)"),
    ("import", "Import"),
]


class CrmConsent(models.Model):
    """The consent ledger: one opt-in or opt-out event of a customer or contact for
    a channel and a purpose, with its source, time and who recorded it. Append-only:
    the latest event of a (person, channel, purpose) is the person's answer; nobody
    but the CRM administrators edits or deletes history."""

    _name = "crm.consent"
    _description = "Consent Event"
    _order = "date desc, id desc"
    # workflow-owned (issue 13): a consent event is recorded by its author, when
    # it happened
    _crm_guarded_fields = {"user_id": "", "date": ""}
    _crm_guard_own = {"user_id": "user", "date": "past"}

    partner_id = fields.Many2one("res.partner", "Customer or Contact", required=True,
                                 index=True, ondelete="cascade")
    channel = fields.Selection(CONSENT_CHANNELS, required=True, index=True)
    purpose = fields.Selection(CONSENT_PURPOSES, required=True, default="marketing",
                               index=True)
    status = fields.Selection([("opt_in", "Opt-in"), ("opt_out", "Opt-out")],
                              required=True, index=True)
    source = fields.Selection(CONSENT_SOURCES, required=True, default="manual")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one("res.users", "Recorded by", required=True,
                              default=lambda self: self.env.user)
    note = fields.Char()

    @api.multi
    def write(self, vals):
        self._check_ledger_admin()
        return super(CrmConsent, self).write(vals)

    @api.multi
    def unlink(self):
        self._check_ledger_admin()
        return super(CrmConsent, self).unlink()

    def _check_ledger_admin(self):
        if not (self.env.user._is_superuser()
                or self.env.user.has_group("crm_core.group_crm_admin")):
            raise AccessError(_(
                "The consent ledger is append-only: record a new opt-in or opt-out "
                "instead of changing or deleting one."))

    @api.model
    def record(self, partners, channel, status, purpose="marketing", source="manual",
               note=False):
        """Append one event per partner (one INSERT each through the ORM is fine
        for the sizes a user or a reply handler records at once)."""
        consents = self.browse()
        for partner in partners:
            consents |= self.create({
                "partner_id": partner.id, "channel": channel, "purpose": purpose,
                "status": status, "source": source, "note": note})
        return consents

    @api.model
    def _latest_status(self, partner_ids, channel, purpose):
        """{partner id: 'opt_in' | 'opt_out'} of the latest event of each partner
        that has one, in one query."""
        if not partner_ids:
            return {}
        self.env.cr.execute("""
            SELECT DISTINCT ON (partner_id) partner_id, status
              FROM crm_consent
             WHERE partner_id = ANY(%s) AND channel = %s AND purpose = %s
             ORDER BY partner_id, date DESC, id DESC
        """, (list(partner_ids), channel, purpose))
        return dict(self.env.cr.fetchall())

    @api.model
    def _default_mode(self, channel):
        company = self.env.user.company_id
        return company["consent_%s_mode" % channel]

    @api.model
    def check(self, partners, channel, purpose="marketing"):
        """Split ``partners`` into (allowed, {partner id: reason}) for ``channel``
        and ``purpose``. A contact's own answer wins; without one, its company's
        answer applies; without either, the company setting decides (opt-in
        channels need an explicit yes, opt-out channels only an absence of no)."""
        partners = partners.exists()
        commercial = partners.mapped("commercial_partner_id")
        status = self._latest_status(
            set(partners.ids) | set(commercial.ids), channel, purpose)
        needs_opt_in = self._default_mode(channel) == "opt_in"
        allowed = self.env["res.partner"]
        excluded = {}
        for partner in partners:
            answer = (status.get(partner.id)
                      or status.get(partner.commercial_partner_id.id))
            if answer == "opt_out":
                excluded[partner.id] = _("opted out")
            elif answer is None and needs_opt_in:
                excluded[partner.id] = _("no opt-in on record")
            else:
                allowed |= partner
        return allowed, excluded
