from odoo import api, models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Odoo's merge moves every record pointing to the merged customers (follow-ups,
    shares, pool history, orders, invoices...) to the one kept; the customer's own
    follow-up figures and share lists are then recomputed from what it now has."""

    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _merge(self, partner_ids, dst_partner=None):
        partners = self.env["res.partner"].browse(partner_ids).exists()
        res = super(BasePartnerMergeAutomaticWizard, self)._merge(
            partner_ids, dst_partner=dst_partner)
        kept = partners.exists()
        if len(kept) == 1:
            kept._update_followup_stats()
            kept.invalidate_cache(["share_ids"])
            self.env.add_todo(self.env["res.partner"]._fields["shared_user_ids"], kept)
            self.env.add_todo(
                self.env["res.partner"]._fields["shared_write_user_ids"], kept)
            kept.recompute()
        return res
