from odoo import _, api, fields, models


class AccountInvoice(models.Model):
    """A credit note issued for a complaint compensation: validating it completes
    the compensation; cancelling it makes the compensation wait again."""

    _inherit = "account.invoice"

    crm_compensation_id = fields.Many2one(
        "crm.service.compensation", "Complaint Compensation", readonly=True,
        copy=False, index=True)

    @api.multi
    def invoice_validate(self):
        res = super(AccountInvoice, self).invoice_validate()
        # sudo: whoever validates the credit note completes its compensation
        self.sudo().mapped("crm_compensation_id")._set_done()  # sudo: completes
        return res

    @api.multi
    def action_invoice_cancel(self):
        res = super(AccountInvoice, self).action_invoice_cancel()
        # sudo: whoever cancels the credit note reopens its compensation
        self.sudo().mapped("crm_compensation_id")._set_undone(  # sudo: reopens
            _("Its credit note was cancelled: validate it again (after setting it "
              "back to draft) to complete the compensation."))
        return res
