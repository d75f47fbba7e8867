from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def create(self, vals):
        """A colleague's own partner is not a customer: it never enters a pool."""
        if not vals.get("partner_id"):
            self = self.with_context(default_customer=False)
        return super(ResUsers, self).create(vals)
