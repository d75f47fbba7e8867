from odoo import api, models


class AccountInvoice(models.Model):
    """Credit notes keep the campaign, source and medium of the invoice they
    credit (H5: the attribution follows the money)."""

    _inherit = "account.invoice"
    # workflow-owned (issue 13): an invoice is validated, paid and cancelled by
    # its buttons and by reconciliation, never by writing its state or entries;
    # its salesperson and team (its data scope) by accountants or team leaders
    _crm_guarded_fields = dict(
        dict.fromkeys(("state", "move_id", "move_name", "number", "reconciled",
                       "residual", "payment_move_line_ids"), ""),
        **dict.fromkeys(("user_id", "team_id"),
                        "account.group_account_invoice,"
                        "crm_core.group_sale_team_leader"))
    _crm_guard_own = {"user_id": "user", "team_id": "team"}

    @api.model
    def _get_refund_copy_fields(self):
        return super(AccountInvoice, self)._get_refund_copy_fields() + [
            "campaign_id", "source_id", "medium_id"]
