from odoo import models


class ResPartner(models.Model):
    """Click-to-dial on customers and contacts."""

    _name = "res.partner"
    _inherit = ["res.partner", "crm.callcenter.dial.mixin"]

    def _dial_partner(self):
        return self
