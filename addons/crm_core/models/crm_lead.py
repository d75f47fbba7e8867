from odoo import api, fields, models

from ..lib.phone import normalize_email, normalize_phone


class CrmLead(models.Model):
    """Leads carry the same indexed match keys as customers: the import finds
    duplicate leads, and caller matching finds a lead, without scanning every phone
    column with a leading wildcard. An opportunity shows its revenue as booked,
    invoiced and paid."""

    _inherit = "crm.lead"
    # workflow-owned (issue 13): assignment is by rules, the assign dialog or a
    # team leader; lost and archived only through the lost dialog and buttons
    _crm_guarded_fields = dict(
        dict.fromkeys(("user_id", "team_id"), "crm_core.group_sale_team_leader"),
        **dict.fromkeys(("active", "lost_reason", "lost_reason_id", "competitor_id"),
                        ""))
    _crm_guard_own = {"user_id": "user", "team_id": "team", "active": "restore"}
    _crm_customer_data = True
    # the audit trail (models/auditlog.py)
    _crm_audited_fields = (
        "user_id", "team_id", "partner_id", "type", "stage_id", "planned_revenue",
        "probability", "active", "lost_reason")

    phone_sanitized = fields.Char(
        "Phone (E.164)", compute="_compute_match_keys", store=True, index=True)
    mobile_sanitized = fields.Char(
        "Mobile (E.164)", compute="_compute_match_keys", store=True, index=True)
    email_normalized = fields.Char(
        compute="_compute_match_keys", store=True, index=True)
    # Won revenue as booked (Odoo's sale_amount_total: confirmed orders), invoiced
    # and paid, untaxed in the company currency; and what the customer still owes
    # on those invoices, taxes included.
    revenue_invoiced = fields.Monetary(
        "Invoiced Revenue", compute="_compute_revenue",
        currency_field="company_currency",
        help="Posted invoices of this opportunity's orders less their credit notes, "
             "untaxed.")
    revenue_paid = fields.Monetary(
        "Paid Revenue", compute="_compute_revenue",
        currency_field="company_currency",
        help="The paid part of the invoiced revenue.")
    amount_due = fields.Monetary(
        compute="_compute_revenue", currency_field="company_currency",
        help="Left to pay on this opportunity's invoices, taxes included.")

    @api.multi
    def _compute_revenue(self):
        amounts = self.env["crm.finance"]._order_amounts("opportunity", self.ids)
        for lead in self:
            invoiced, paid, untaxed, untaxed_paid = amounts.get(
                lead.id, (0.0, 0.0, 0.0, 0.0))
            lead.revenue_invoiced = untaxed
            lead.revenue_paid = untaxed_paid
            lead.amount_due = invoiced - paid

    @api.multi
    def action_view_invoices(self):
        """The invoices and credit notes of this opportunity's orders."""
        self.ensure_one()
        invoices = self.order_ids.mapped("invoice_ids")
        action = self.env.ref("account.action_invoice_tree1").read()[0]
        action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"create": False}
        return action

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
