from odoo import fields, models


class AccountInvoiceLine(models.Model):
    """A vendor bill line can be charged to a marketing campaign: the campaign's
    actual cost is the sum of its posted bill lines less their credit notes (a
    line without its own campaign counts for the bill's campaign)."""

    _inherit = "account.invoice.line"

    campaign_id = fields.Many2one(
        "utm.campaign", index=True,
        help="The marketing campaign this cost is charged to.")
