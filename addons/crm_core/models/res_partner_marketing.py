from odoo import api, fields, models


class ResPartner(models.Model):
    """Marketing on the customer: the first campaign that reached it
    (first-touch attribution)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    first_campaign_id = fields.Many2one(
        "utm.campaign", readonly=True, copy=False, index=True,
        help="The first campaign of this customer's leads and orders.")

    @api.multi
    def _stamp_first_campaign(self, campaign):
        """Remember ``campaign`` on the customers of these partners that have no
        first campaign yet (one statement; a column the system keeps)."""
        if not (self.ids and campaign):
            return
        self.env.cr.execute("""
            UPDATE res_partner p SET first_campaign_id = %s
              FROM res_partner c
             WHERE c.id IN %s AND p.id = c.commercial_partner_id
               AND p.first_campaign_id IS NULL
        """, (campaign.id, tuple(self.ids)))
        self.invalidate_cache(["first_campaign_id"])
