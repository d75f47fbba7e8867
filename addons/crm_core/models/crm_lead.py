from odoo import api, fields, models

from ..lib.phone import normalize_email, normalize_phone


class CrmLead(models.Model):
    """Leads carry the same indexed match keys as customers: the import finds
    duplicate leads, and caller matching finds a lead, without scanning every phone
    column with a leading wildcard."""

    _inherit = "crm.lead"

    phone_sanitized = fields.Char(
        "Phone (E.164)", compute="_compute_match_keys", store=True, index=True)
    mobile_sanitized = fields.Char(
        "Mobile (E.164)", compute="_compute_match_keys", store=True, index=True)
    email_normalized = fields.Char(
        compute="_compute_match_keys", store=True, index=True)

    @api.multi
    @api.depends("phone", "mobile", "email_from", "country_id")
    def _compute_match_keys(self):
        for lead in self:
            region = lead.country_id.code or "CN"
            lead.phone_sanitized = normalize_phone(lead.phone, region)
            lead.mobile_sanitized = normalize_phone(lead.mobile, region)
            lead.email_normalized = normalize_email(lead.email_from)

    @api.model
    def _find_by_keys(self, keys):
        """{key: lead ids} of the active leads matching dedupe keys ("phone" |
        "email", value), in one index-backed query."""
        phones = [v for k, v in keys if k == "phone"]
        emails = [v for k, v in keys if k == "email"]
        if not (phones or emails):
            return {}
        self.env.cr.execute("""
            SELECT id, phone_sanitized, mobile_sanitized, email_normalized
              FROM crm_lead
             WHERE active AND (phone_sanitized = ANY(%(p)s)
                OR mobile_sanitized = ANY(%(p)s) OR email_normalized = ANY(%(e)s))
        """, {"p": phones, "e": emails})
        found = {}
        for lead_id, phone, mobile, email in self.env.cr.fetchall():
            for key in (("phone", phone), ("phone", mobile), ("email", email)):
                if key in keys:
                    found.setdefault(key, set()).add(lead_id)
        return found
