from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

CREDIT_OVERRIDE_GROUP = "sales_team.group_sale_manager"


class SaleOrder(models.Model):
    """The credit-limit check on confirmation (H2): the customer's exposure
    (receivables + confirmed orders not yet invoiced + this order) above its credit
    limit refuses the confirmation, unless a sales manager overrode the limit for
    this order with a reason."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    credit_currency_id = fields.Many2one(
        "res.currency", "Company Currency", related="company_id.currency_id",
        readonly=True)
    credit_limit = fields.Float(
        "Customer Credit Limit", readonly=True,
        related="partner_id.commercial_partner_id.credit_limit")
    credit_exposure = fields.Monetary(
        compute="_compute_credit_status",
        currency_field="credit_currency_id",
        help="Receivables plus confirmed orders not yet invoiced plus this order, in "
             "the company currency.")
    credit_excess = fields.Monetary(
        "Above Credit Limit", compute="_compute_credit_status",
        currency_field="credit_currency_id")
    credit_blocked = fields.Boolean(
        "Exceeds Credit Limit", compute="_compute_credit_status",
        help="Confirming this quotation would exceed the customer's credit limit and "
             "no override covers it.")
    credit_override_by_id = fields.Many2one(
        "res.users", "Credit Limit Overridden By", readonly=True, copy=False)
    credit_override_on = fields.Datetime(
        "Credit Limit Overridden On", readonly=True, copy=False)
    credit_override_reason = fields.Text(readonly=True, copy=False)
    credit_override_amount = fields.Monetary(
        "Override Covers Up To", readonly=True, copy=False,
        help="The order total the override was given for; a larger total needs a new "
             "override.")

    @api.multi
    def _compute_credit_status(self):
        quotes = self.filtered(lambda o: o.state in ("draft", "sent") and o.id)
        status = quotes._credit_status()
        for order in self:
            exposure, excess = status.get(order.id, (0.0, 0.0, 0.0))[1:3]
            order.credit_exposure = exposure
            order.credit_excess = excess
            order.credit_blocked = excess > 0 and not order._credit_override_covers()

    # --- actions ---------------------------------------------------------------------

    @api.multi
    def action_credit_override(self):
        self.ensure_one()
        self._credit_check_override_right()
        return {
            "name": _("Override Credit Limit"),
            "type": "ir.actions.act_window",
            "res_model": "sale.order.credit.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    # --- business methods ------------------------------------------------------------

    @api.multi
    def _credit_status(self):
        """{order id: (limit, exposure, excess, receivable, uninvoiced, orders)} for
        the orders whose customer has a credit limit, in the company currency. The
        orders of one customer in ``self`` count together (confirmed at once)."""
        result = {}
        by_key = {}
        for order in self:
            partner = order.partner_id.commercial_partner_id
            if partner.credit_limit > 0:
                by_key.setdefault((order.company_id, partner), self.browse())
                by_key[(order.company_id, partner)] |= order
        for (company, partner), orders in by_key.items():
            receivable, uninvoiced = partner._credit_exposure(
                company, exclude_order_ids=orders.ids)[partner.id]
            amount = sum(order._credit_amount_company() for order in orders)
            exposure = receivable + uninvoiced + amount
            excess = company.currency_id.round(exposure - partner.credit_limit)
            for order in orders:
                result[order.id] = (partner.credit_limit, exposure, max(excess, 0.0),
                                    receivable, uninvoiced, amount)
        return result

    @api.multi
    def _credit_amount_company(self):
        self.ensure_one()
        company_currency = self.company_id.currency_id
        if not self.currency_id or self.currency_id == company_currency:
            return self.amount_total
        return self.currency_id.with_context(date=self.date_order).compute(
            self.amount_total, company_currency)

    @api.multi
    def _credit_override_covers(self):
        self.ensure_one()
        return bool(self.credit_override_by_id) and self.currency_id.compare_amounts(
            self.amount_total, self.credit_override_amount) <= 0

    @api.multi
    def _credit_message(self, status):
        """One line saying by how much this order exceeds its customer's limit."""
        self.ensure_one()
        limit, exposure, excess, receivable, uninvoiced, amount = status

        def money(value):
            return formatLang(self.env, value, currency_obj=self.company_id.currency_id)

        message = _(
            "%(order)s for %(customer)s: credit limit %(limit)s, exposure "
            "%(exposure)s (receivables %(receivable)s + confirmed orders not yet "
            "invoiced %(uninvoiced)s + this confirmation %(amount)s), "
            "%(excess)s above the limit.") % {
                "order": self.name,
                "customer": self.partner_id.commercial_partner_id.name,
                "limit": money(limit), "exposure": money(exposure),
                "receivable": money(receivable), "uninvoiced": money(uninvoiced),
                "amount": money(amount), "excess": money(excess)}
        if self.credit_override_by_id:
            message += " " + _(
                "The override by %(user)s covered an order total up to "
                "%(covered)s.") % {
                    "user": self.credit_override_by_id.name,
                    "covered": formatLang(self.env, self.credit_override_amount,
                                          currency_obj=self.currency_id)}
        return message

    @api.multi
    def _credit_check_confirm(self):
        """Refuse to confirm orders above their customer's credit limit that no
        override covers; writes nothing."""
        status = self._credit_status()
        problems = [order._credit_message(status[order.id]) for order in self
                    if order.id in status and status[order.id][2] > 0
                    and not order._credit_override_covers()]
        if problems:
            raise UserError(_(
                "Confirming would exceed the customer's credit limit:\n%s\nA sales "
                "manager may override the limit for this order with a reason "
                "(Override Credit Limit).") % "\n".join(problems))

    @api.model
    def _credit_check_override_right(self):
        if not self.env.user.has_group(CREDIT_OVERRIDE_GROUP):
            raise AccessError(_(
                "Only sales managers may override a customer's credit limit."))

    @api.multi
    def _credit_override(self, reason):
        """Let this order be confirmed above its customer's credit limit: logged on
        the order, in its approval history and in its chatter."""
        self.ensure_one()
        self._credit_check_override_right()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Give the reason for overriding the credit limit of %s.")
                            % self.name)
        if self.state not in ("draft", "sent"):
            raise UserError(_("Only a quotation's credit limit can be overridden; %s "
                              "is no longer a quotation.") % self.name)
        status = self._credit_status().get(self.id)
        if not status or status[2] <= 0:
            raise UserError(_("Quotation %s is within its customer's credit limit: "
                              "nothing to override.") % self.name)
        detail = self._credit_message(status)
        self._approval_internal().write({
            "credit_override_by_id": self.env.uid,
            "credit_override_on": fields.Datetime.now(),
            "credit_override_reason": reason,
            "credit_override_amount": self.amount_total,
        })
        self._approval_log("credit_override", self.env["crm.quote.approval.rule"],
                           reason)
        self.message_post(
            body=_("%(user)s overrode the credit limit: %(reason)s\n%(detail)s") % {
                "user": self.env.user.name, "reason": reason,
                "detail": detail},
            subtype="mail.mt_note", content_subtype="plaintext",
            partner_ids=self.user_id.partner_id.ids)

    @api.multi
    def _action_confirm(self):
        self._credit_check_confirm()
        return super(SaleOrder, self)._action_confirm()
