"""What an approved compensation becomes: a credit note (or a refund of the ticket's
invoice) for finance to validate, or a coupon for the customer's next order; done
when the credit note is validated or the coupon used, waiting again when cancelled."""
from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import UserError


class CrmServiceCompensation(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.service.compensation"

    def _set_approved(self):
        self._workflow_write({"state": "approved",
                              "approved_date": fields.Datetime.now()})
        self.message_post(body=_("Approved."))
        if self.compensation_type in ("refund", "credit_note"):
            self._create_credit_note()
        elif self.compensation_type == "coupon":
            self._create_coupon()
        else:
            self.ticket_id.message_post(
                body=_("Free service granted as compensation %(name)s: %(reason)s")
                % {"name": self.name, "reason": self.reason},
                subtype="mail.mt_note")
            self._set_done()
        return True

    def _set_done(self):
        self.filtered(lambda comp: comp.state == "approved")._workflow_write(
            {"state": "done", "done_date": fields.Datetime.now()})

    def _set_undone(self, message):
        """Back from done to approved: its credit note was cancelled or its coupon
        released."""
        done = self.filtered(lambda comp: comp.state == "done")
        done._workflow_write({"state": "approved", "done_date": False})
        for comp in done:
            comp.message_post(body=message)

    def _refunded_invoice(self):
        """The ticket's invoice, when a refund can credit it with Odoo's refund
        mechanism: a posted customer invoice of the same customer, company and
        currency."""
        invoice = self.ticket_id.invoice_id
        if (self.compensation_type == "refund" and invoice
                and invoice.type == "out_invoice"
                and invoice.state in ("open", "paid")
                and invoice.commercial_partner_id == self.partner_id
                and invoice.company_id == self.company_id
                and invoice.currency_id == self.currency_id):
            return invoice
        return invoice.browse()

    def _create_credit_note(self):
        """A draft customer credit note of one line: the compensation product for
        the amount, on the customer's receivable and the product's income account;
        a refund of the ticket's invoice credits that invoice."""
        self.ensure_one()
        Invoice = self.env["account.invoice"]
        company = self.company_id
        partner = self.partner_id.with_context(force_company=company.id)
        product = self.env.ref("crm_service.product_complaint_compensation")
        product = product.with_context(force_company=company.id)
        description = _("Compensation %(name)s for complaint %(ticket)s") % {
            "name": self.name, "ticket": self.ticket_id.number}
        invoice = self._refunded_invoice()
        if invoice:
            vals = Invoice._prepare_refund(
                invoice, description=description, journal_id=invoice.journal_id.id)
            vals["tax_line_ids"] = []
            journal = invoice.journal_id
            fpos = invoice.fiscal_position_id
        else:
            journal = Invoice.with_context(
                type="out_refund", company_id=company.id)._default_journal()
            if not journal:
                raise UserError(_(
                    "Company %s has no sales journal: finance must set one up before "
                    "credit notes can be issued.") % company.name)
            receivable = partner.property_account_receivable_id
            if not receivable:
                raise UserError(_(
                    "Customer %s has no receivable account: finance must set one "
                    "up before credit notes can be issued.") % partner.name)
            fpos = self.env["account.fiscal.position"].browse(
                self.env["account.fiscal.position"].with_context(
                    force_company=company.id).get_fiscal_position(partner.id))
            vals = {
                "type": "out_refund",
                "partner_id": partner.id,
                "account_id": receivable.id,
                "journal_id": journal.id,
                "company_id": company.id,
                "currency_id": self.currency_id.id,
                "fiscal_position_id": fpos.id,
                "date_invoice": fields.Date.context_today(self),
                "name": description,
                # the compensation is nobody's sale: no salesperson's revenue
                "user_id": False,
            }
        account = self.env["account.invoice.line"].get_invoice_line_account(
            "out_refund", product, fpos, company) or journal.default_credit_account_id
        vals.update({
            "origin": ", ".join(filter(None, [vals.get("origin"), self.name])),
            "crm_compensation_id": self.id,
            "invoice_line_ids": [(0, 0, {
                "name": description,
                "product_id": product.id,
                "uom_id": product.uom_id.id,
                "quantity": 1.0,
                "price_unit": self.amount,
                "account_id": account.id,
                "invoice_line_tax_ids": [(6, 0, [])],
            })],
        })
        credit_note = Invoice.create(vals)
        self._workflow_write({"invoice_id": credit_note.id})
        self.message_post(body=_(
            "Draft credit note created: finance validates it to complete the "
            "compensation."))
        credit_note.message_post(body=_(
            "Created for complaint compensation %(name)s (ticket %(ticket)s).") % {
                "name": self.name, "ticket": self.ticket_id.number})
        return credit_note

    def _create_coupon(self):
        self.ensure_one()
        today = fields.Date.from_string(fields.Date.context_today(self))
        expiry = today + timedelta(days=self.policy_id.coupon_validity_days)
        coupon = self.env["crm.service.coupon"].create({
            "partner_id": self.partner_id.id,
            "amount": self.amount,
            "expiry_date": fields.Date.to_string(expiry),
            "compensation_id": self.id,
            "company_id": self.company_id.id,
        })
        self._workflow_write({"coupon_id": coupon.id})
        self.message_post(body=_(
            "Coupon %(code)s issued to %(customer)s, valid until %(expiry)s.") % {
                "code": coupon.code, "customer": self.partner_id.name,
                "expiry": coupon.expiry_date})
        return coupon
