from odoo import fields, models


class ResPartnerAccessExplain(models.TransientModel):
    """Shows a user why they may see a customer."""

    _name = "res.partner.access.explain"
    _description = "Why Can I See This Customer?"

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    explanation = fields.Text(readonly=True)
