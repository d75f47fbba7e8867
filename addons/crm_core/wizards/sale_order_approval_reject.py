from odoo import api, fields, models


class SaleOrderApprovalReject(models.TransientModel):
    """Reject a quotation waiting for approval, with the reason the salesperson
    reads in the chatter and the approval history."""

    _name = "sale.order.approval.reject"
    _description = "Reject a Quotation"

    order_id = fields.Many2one("sale.order", "Quotation", required=True,
                               ondelete="cascade", readonly=True)
    reason = fields.Text(required=True)

    @api.multi
    def action_reject(self):
        self.ensure_one()
        self.order_id._approval_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
