import html
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.lead_capture import OPTIONAL_FIELDS


def _new_token():
    return secrets.token_urlsafe(24)


class CrmLeadCapture(models.Model):
    """A web form through which a company's website sends leads (网站表单获客):
    the website posts to /crm_core/lead/<token> (or embeds the form served at the
    same address); the leads go to the form's team with its UTM source, medium
    and campaign, and the team's assignment rules give them to a salesperson."""

    _name = "crm.lead.capture"
    _description = "Lead Capture Form"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, track_visibility="onchange")
    active = fields.Boolean(default=True, track_visibility="onchange")
    token = fields.Char(
        required=True, readonly=True, copy=False, index=True,
        default=lambda self: _new_token(),
        help="The secret part of the form's address. Regenerate it when it "
             "leaked: the old address stops working at once.")
    team_id = fields.Many2one("crm.team", "Sales Team", required=True, index=True,
                              ondelete="cascade", track_visibility="onchange")
    company_id = fields.Many2one(related="team_id.company_id", store=True,
                                 readonly=True)
    source_id = fields.Many2one("utm.source")
    medium_id = fields.Many2one("utm.medium")
    campaign_id = fields.Many2one("utm.campaign")
    # Fields the form accepts besides the contact's name (always) and at least
    # one of phone and e-mail.
    allow_company = fields.Boolean("Company Field", default=True)
    allow_phone = fields.Boolean("Phone Field", default=True)
    allow_email = fields.Boolean("E-mail Field", default=True)
    allow_subject = fields.Boolean("Subject Field")
    allow_message = fields.Boolean("Message Field", default=True)
    url = fields.Char("Form Address", compute="_compute_url")
    embed_code = fields.Text(compute="_compute_url",
                             help="Paste this into a page of the website.")
    lead_count = fields.Integer("Leads", compute="_compute_lead_count")

    _sql_constraints = [
        ("token_uniq", "unique(token)", "Every lead capture form has its own token."),
    ]

    @api.multi
    @api.depends("token")
    def _compute_url(self):
        params = self.env["ir.config_parameter"].sudo()  # sudo: a system parameter
        base = params.get_param("web.base.url", "")
        for form in self:
            form.url = "%s/crm_core/lead/%s" % (base.rstrip("/"), form.token)
            form.embed_code = (
                '<iframe src="%s" style="width:100%%;height:560px;border:0" '
                'title="%s"></iframe>' % (html.escape(form.url),
                                          html.escape(form.name or "")))

    @api.multi
    def _compute_lead_count(self):
        groups = self.env["crm.lead"].read_group(
            [("capture_id", "in", self.ids)], ["capture_id"], ["capture_id"])
        counts = {g["capture_id"][0]: g["capture_id_count"] for g in groups}
        for form in self:
            form.lead_count = counts.get(form.id, 0)

    @api.constrains("allow_phone", "allow_email")
    def _check_contact_field(self):
        for form in self:
            if not (form.allow_phone or form.allow_email):
                raise ValidationError(_(
                    "The form %s needs a phone or an e-mail field: a lead without "
                    "either cannot be followed up.") % form.name)

    @api.multi
    def action_regenerate_token(self):
        for form in self:
            form.token = _new_token()
            form.message_post(body=_("New form address: the old one no longer "
                                     "accepts leads."))
        return True

    @api.multi
    def action_view_leads(self):
        self.ensure_one()
        action = self.env.ref("crm.crm_lead_all_leads").read()[0]
        action["domain"] = [("capture_id", "=", self.id)]
        action["context"] = {"active_test": False}
        return action

    @api.multi
    def _receive(self, values):
        """Take one post of this form (``values``: checked by
        lib.lead_capture.validate). An open lead with the same phone or e-mail
        gets the post as a note for its salesperson; otherwise a new lead is
        created for the form's team and assigned by the team's rules. Returns
        (lead, created)."""
        self.ensure_one()
        Lead = self.env["crm.lead"].sudo()  # sudo: the form's token authorised it
        keys = [(key, values[key]) for key in ("phone", "email") if values.get(key)]
        found = set()
        for ids in Lead._find_by_keys(keys).values():
            found |= ids
        duplicates = Lead.browse(sorted(found)).filtered(
            lambda lead: lead.probability < 100)
        if duplicates:
            lead = duplicates[-1]
            lead._capture_note(self, values)
            return lead, False
        lead = Lead.with_context(
            crm_assignment_trigger="form", mail_create_nosubscribe=True,
        ).create(self._prepare_lead_vals(values))
        return lead, True

    @api.multi
    def _prepare_lead_vals(self, values):
        self.ensure_one()
        title = values.get("subject") or values.get("company") or values["name"]
        return {
            "name": "%s - %s" % (title, self.name),
            "type": "lead" if self.team_id.use_leads else "opportunity",
            "contact_name": values["name"],
            "partner_name": values.get("company"),
            "phone": values.get("phone"),
            "email_from": values.get("email"),
            "description": values.get("message"),
            "team_id": self.team_id.id,
            "user_id": False,
            "company_id": self.team_id.company_id.id or self.env.user.company_id.id,
            "source_id": self.source_id.id,
            "medium_id": self.medium_id.id,
            "campaign_id": self.campaign_id.id,
            "capture_id": self.id,
        }

    @api.multi
    def _allowed_fields(self):
        """The names of the optional fields this form accepts."""
        self.ensure_one()
        return {name for name, flag in OPTIONAL_FIELDS.items() if self[flag]}
