from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import float_compare

# Who may set a customer's credit limit.
CREDIT_LIMIT_EDITORS = ("sales_team.group_sale_manager",
                        "account.group_account_manager")


class ResPartner(models.Model):
    """The customer's credit limit (信用额度, H2). Odoo's base module defines
    ``credit_limit`` on every partner and keeps the contacts' value equal to their
    company's (a commercial field), but shows it nowhere and checks nothing; here it
    gets a help text, tracking, editors and the exposure it is compared with."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_limit = fields.Float(
        track_visibility="onchange",
        help="The most this customer may owe, in the company currency: receivables "
             "plus confirmed orders not yet invoiced plus the order being "
             "confirmed. 0: no limit. Set on the company; its contacts share it. "
             "Sales managers and accounting advisers set it.")
    credit_exposure = fields.Monetary(
        "Credit Used", compute="_compute_credit_exposure",
        help="Receivables not yet paid plus confirmed orders not yet invoiced, in "
             "the company currency.")

    @api.multi
    def _compute_credit_exposure(self):
        company = self.env.user.company_id
        exposure = self._credit_exposure(company)
        for partner in self:
            receivable, uninvoiced = exposure[partner.commercial_partner_id.id]
            partner.credit_exposure = receivable + uninvoiced

    @api.model
    def create(self, vals):
        if vals.get("credit_limit") and not self._credit_limit_editor():
            parent = self.browse(vals.get("parent_id"))
            if float_compare(vals["credit_limit"],
                             parent.commercial_partner_id.credit_limit,
                             precision_digits=2):
                self._credit_limit_refuse()
        return super(ResPartner, self).create(vals)

    @api.multi
    def write(self, vals):
        if "credit_limit" in vals and not self._credit_limit_editor():
            # the contacts follow their company's limit (Odoo syncs them): only a
            # value other than the company's is a change
            for partner in self:
                if float_compare(vals["credit_limit"] or 0.0,
                                 partner.commercial_partner_id.credit_limit,
                                 precision_digits=2):
                    self._credit_limit_refuse()
        return super(ResPartner, self).write(vals)

    @api.model
    def _credit_limit_editor(self):
        user = self.env.user
        return any(user.has_group(group) for group in CREDIT_LIMIT_EDITORS)

    @api.model
    def _credit_limit_refuse(self):
        raise AccessError(_(
            "Only sales managers and accounting advisers may set a customer's "
            "credit limit."))

    @api.multi
    def _credit_exposure(self, company, exclude_order_ids=()):
        """{commercial partner id: (receivable, uninvoiced)} in ``company``'s
        currency: the unreconciled receivable balance, and the part of the
        confirmed orders not yet on a validated invoice (draft invoices do not
        count as invoiced). Two grouped queries whatever the number of partners,
        over all the customer's records: the limit is the customer's, not what the
        user's data scope shows."""
        partners = self.mapped("commercial_partner_id")
        result = {partner.id: (0.0, 0.0) for partner in partners}
        if not partners:
            return result
        self.recompute()  # the queries read stored totals
        cr = self.env.cr
        cr.execute("""
            SELECT p.commercial_partner_id, SUM(aml.amount_residual)
              FROM account_move_line aml
              JOIN account_account a ON a.id = aml.account_id
              JOIN res_partner p ON p.id = aml.partner_id
             WHERE a.internal_type = 'receivable'
               AND NOT aml.reconciled
               AND aml.company_id = %s
               AND p.commercial_partner_id IN %s
             GROUP BY p.commercial_partner_id
        """, (company.id, tuple(partners.ids)))
        receivable = dict(cr.fetchall())
        cr.execute("""
            SELECT p.commercial_partner_id, l.currency_id,
                   SUM(GREATEST(l.price_total - COALESCE(l.amt_invoiced, 0), 0))
              FROM sale_order_line l
              JOIN sale_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state IN ('sale', 'done')
               AND o.company_id = %s
               AND p.commercial_partner_id IN %s
               AND o.id != ALL(%s)
             GROUP BY p.commercial_partner_id, l.currency_id
        """, (company.id, tuple(partners.ids), list(exclude_order_ids)))
        uninvoiced = {}
        currencies = self.env["res.currency"]
        for partner_id, currency_id, amount in cr.fetchall():
            currency = currencies.browse(currency_id)
            if currency_id and currency != company.currency_id:
                amount = currency.compute(amount, company.currency_id)
            uninvoiced[partner_id] = uninvoiced.get(partner_id, 0.0) + amount
        for partner in partners:
            result[partner.id] = (receivable.get(partner.id) or 0.0,
                                  uninvoiced.get(partner.id, 0.0))
        return result
