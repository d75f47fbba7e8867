from odoo import api, models


class AccountInvoice(models.Model):
    """Credit notes keep the campaign, source and medium of the invoice they
    credit (H5: the attribution follows the money)."""

    _inherit = "account.invoice"

    @api.model
    def _get_refund_copy_fields(self):
        return super(AccountInvoice, self)._get_refund_copy_fields() + [
            "campaign_id", "source_id", "medium_id"]
