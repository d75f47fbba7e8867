from odoo import fields, models


class AccountInvoiceLine(models.Model):
    """A vendor bill line can be charged to a marketing campaign: the campaign's
    actual cost is the sum of its posted bill lines less their credit notes (a
    line without its own campaign counts for the bill's campaign)."""

    _inherit = "account.invoice.line"

    campaign_id = fields.Many2one(
        "utm.campaign", index=True,
        help="The marketing campaign this cost is charged to.")
    # the invoice's salesperson and team on the line, for its data scope rule
    crm_user_id = fields.Many2one(
        "res.users", "Invoice Salesperson", related="invoice_id.user_id",
        store=True, index=True, readonly=True)
    crm_team_id = fields.Many2one(
        "crm.team", "Invoice Sales Team", related="invoice_id.team_id",
        store=True, index=True, readonly=True)
