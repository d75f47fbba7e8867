from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

APPROVAL_STATES = [
    ("not_required", "Not Required"),
    ("required", "Approval Required"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]

# Fields that only the approval workflow and the credit-limit override write: its
# buttons, wizards and the re-check after a change. Nobody sets them directly (not
# even through RPC): write() and create() refuse them without the marker below.
WORKFLOW_FIELDS = {
    "approval_state", "approval_rule_ids", "approved_rule_ids", "approver_ids",
    "approval_requested_by_id", "approval_requested_on", "approved_by_id",
    "approved_on", "rejected_by_id", "rejected_on", "rejection_reason",
    "approval_log_ids", "credit_override_by_id", "credit_override_on",
    "credit_override_reason", "credit_override_amount",
}
# Changes to these order fields can change whether the quotation needs approval
# (lines, customer and its level, team, currency).
APPROVAL_ORDER_FIELDS = {"order_line", "partner_id", "team_id", "pricelist_id",
                         "company_id"}

# Context markers only this code can set: a client sends JSON, never this object.
_INTERNAL = object()
INTERNAL_KEY = "crm_approval_internal"
_DEFER = object()
DEFER_KEY = "crm_approval_defer"


class SaleOrder(models.Model):
    """Quotation approval (流程审核): the rules of crm.quote.approval.rule decide
    whether a quotation needs approval; the salesperson requests it, the approvers
    get an activity each and approve or reject it with a reason; a change of the
    quotation afterwards asks for approval again; confirming an unapproved
    quotation is refused."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited
    _crm_customer_data = True
    # the audit trail of quotations (models/auditlog.py): approval and amounts
    _crm_audited_fields = (
        "state", "approval_state", "user_id", "team_id", "partner_id",
        "amount_untaxed", "max_discount", "margin_percent")

    max_discount = fields.Float(
        "Highest Line Discount (%)", compute="_compute_max_discount", store=True,
        digits=(16, 2))
    margin_amount = fields.Monetary(
        "Margin", compute="_compute_margin", store=True,
        help="Untaxed amount minus the cost of the products (their cost when "
             "each line was quoted).")
    margin_percent = fields.Float(
        "Margin (%)", compute="_compute_margin", store=True, digits=(16, 2),
        help="The margin as a percentage of the untaxed amount (-100 % when "
             "products with a cost are given away).")
    approval_state = fields.Selection(
        APPROVAL_STATES, "Approval", default="not_required", required=True,
        readonly=True, copy=False, index=True)
    approval_rule_ids = fields.Many2many(
        "crm.quote.approval.rule", "sale_order_approval_rule_rel", "order_id",
        "rule_id", "Rules Requiring Approval", readonly=True, copy=False)
    approved_rule_ids = fields.Many2many(
        "crm.quote.approval.rule", "sale_order_approved_rule_rel", "order_id",
        "rule_id", "Approved Rules", readonly=True, copy=False)
    approver_ids = fields.Many2many(
        "res.users", "sale_order_approver_rel", "order_id", "user_id",
        "Waiting for Approval By", readonly=True, copy=False)
    approval_requested_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False)
    approval_requested_on = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_on = fields.Datetime(readonly=True, copy=False)
    rejected_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    rejected_on = fields.Datetime(readonly=True, copy=False)
    rejection_reason = fields.Text(readonly=True, copy=False)
    approval_log_ids = fields.One2many(
        "crm.quote.approval.log", "order_id", "Approval History", readonly=True,
        copy=False)
    approval_can_request = fields.Boolean(
        "Can Request Approval", compute="_compute_approval_buttons")
    approval_can_decide = fields.Boolean(
        "Can Approve", compute="_compute_approval_buttons")

    @api.multi
    @api.depends("order_line.discount")
    def _compute_max_discount(self):
        for order in self:
            order.max_discount = max(order.order_line.mapped("discount") or [0.0])

    @api.multi
    @api.depends("order_line.margin_amount", "amount_untaxed")
    def _compute_margin(self):
        for order in self:
            margin = sum(order.order_line.mapped("margin_amount"))
            order.margin_amount = margin
            if order.amount_untaxed:
                order.margin_percent = margin / order.amount_untaxed * 100.0
            else:
                order.margin_percent = -100.0 if margin < 0 else 0.0

    @api.multi
    @api.depends("state", "approval_state", "approver_ids")
    def _compute_approval_buttons(self):
        quotes = self.filtered(lambda o: o.state in ("draft", "sent"))
        # a quotation changed before the rules existed needs approval all the same
        unsure = quotes.filtered(
            lambda o: o.approval_state in ("not_required", "approved"))
        triggered = unsure._approval_triggered_rules() if unsure else {}
        for order in self:
            if order not in quotes:
                can_request = False
            elif order.approval_state in ("required", "rejected"):
                can_request = True
            elif order.approval_state in ("not_required", "approved"):
                can_request = bool(triggered[order.id] - order.approved_rule_ids)
            else:
                can_request = False
            order.approval_can_request = can_request
            order.approval_can_decide = (
                order.approval_state == "to_approve"
                and self.env.user in order.approver_ids)

    # --- CRUD ------------------------------------------------------------------------

    @api.model
    def create(self, vals):
        self._approval_check_workflow_fields(vals, creating=True)
        order = super(SaleOrder, self.with_context(**{DEFER_KEY: _DEFER})).create(
            vals)
        order = self.browse(order.id)
        order._approval_recheck()
        return order

    @api.multi
    def write(self, vals):
        self._approval_check_workflow_fields(vals)
        if self._approval_is_internal() or not APPROVAL_ORDER_FIELDS & set(vals):
            return super(SaleOrder, self).write(vals)
        res = super(SaleOrder, self.with_context(**{DEFER_KEY: _DEFER})).write(vals)
        self._approval_recheck()
        return res

    def _approval_is_internal(self):
        return self.env.context.get(INTERNAL_KEY) is _INTERNAL

    def _approval_internal(self):
        """These orders, allowed to write the workflow fields."""
        return self.with_context(**{INTERNAL_KEY: _INTERNAL})

    @api.model
    def _approval_check_workflow_fields(self, vals, creating=False):
        if self._approval_is_internal():
            return
        names = WORKFLOW_FIELDS & set(vals)
        if creating:
            names |= {name for name in WORKFLOW_FIELDS
                      if "default_" + name in self.env.context}
        if names:
            labels = sorted(self._fields[name].get_description(self.env)["string"]
                            for name in names)
            raise AccessError(_(
                "%s of a quotation change only through its buttons (Request "
                "Approval, Approve, Reject, Override Credit Limit).")
                % ", ".join(labels))

    # --- actions ---------------------------------------------------------------------

    @api.multi
    def action_request_approval(self):
        """Send the quotation to the approvers of the rules it triggers."""
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(_(
                    "Only quotations are approved; %s is no longer a quotation.")
                    % order.name)
            if order.approval_state == "to_approve":
                raise UserError(_("Quotation %s already waits for approval.")
                                % order.name)
        triggered = self._approval_triggered_rules()
        for order in self:
            if not triggered[order.id]:
                raise UserError(_(
                    "No approval rule applies to quotation %s: it can be "
                    "confirmed as it is.") % order.name)
            order._approval_start(triggered[order.id], self.env.user)
        return True

    @api.multi
    def action_approve(self):
        for order in self:
            order._approval_approve()
        return True

    @api.multi
    def action_reject(self):
        """Ask the reason in a wizard; the wizard rejects."""
        self.ensure_one()
        self._approval_decider_rules()
        return {
            "name": _("Reject Quotation"),
            "type": "ir.actions.act_window",
            "res_model": "sale.order.approval.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    # --- business methods ------------------------------------------------------------

    @api.multi
    def _approval_triggered_rules(self):
        """{order id: the active rules that require this order to be approved}, with
        one search for all the orders; the rules read only the orders' stored
        totals, so the cost does not grow with the number of lines."""
        rules = self.env["crm.quote.approval.rule"].sudo().search(  # sudo: all apply
            [("company_id", "in", self.mapped("company_id").ids)])
        return {order.id: rules.filtered(lambda r, o=order: r._applies_to(o))
                for order in self}

    @api.multi
    def _approval_amount_company(self):
        """The untaxed amount in the company currency."""
        self.ensure_one()
        company_currency = self.company_id.currency_id
        if not self.currency_id or self.currency_id == company_currency:
            return self.amount_untaxed
        return self.currency_id.with_context(date=self.date_order).compute(
            self.amount_untaxed, company_currency)

    @api.multi
    def _approval_recheck(self):
        """After a change of a quotation: does it need approval (still, again, no
        longer)? A quotation waiting for or given approval asks for approval again
        when a rule still applies."""
        if self.env.context.get(DEFER_KEY) is _DEFER:
            return
        quotes = self.filtered(lambda o: o.state in ("draft", "sent"))
        if not quotes:
            return
        triggered = quotes._approval_triggered_rules()
        groups = {}
        for order in quotes:
            rules = triggered[order.id]
            if order.approval_state in ("to_approve", "approved"):
                if rules:
                    requester = order.approval_requested_by_id or self.env.user
                    order._approval_start(rules, requester, again=True)
                else:
                    order._approval_no_longer_required()
                continue
            state = "required" if rules else "not_required"
            if state != order.approval_state or rules != order.approval_rule_ids:
                groups.setdefault((state, tuple(rules.ids)), []).append(order.id)
        for (state, rule_ids), order_ids in groups.items():
            self.browse(order_ids)._approval_internal().write({
                "approval_state": state,
                "approval_rule_ids": [(6, 0, list(rule_ids))],
                "approved_rule_ids": [(5,)],
            })

    @api.multi
    def _approval_start(self, rules, requester, again=False):
        """Ask the approvers of ``rules``: one activity per approver."""
        self.ensure_one()
        approvers = self.env["res.users"]
        for rule in rules:
            users = rule._approver_users(self, requester)
            if not users:
                raise UserError(_(
                    "Quotation %(order)s needs approval under rule %(rule)s, but "
                    "nobody other than its salesperson and %(user)s can approve "
                    "it: add approvers to the rule.") % {
                        "order": self.name, "rule": rule.name,
                        "user": requester.name})
            approvers |= users
        self._approval_close_activities(_("Approval requested again"))
        self._approval_internal().write({
            "approval_state": "to_approve",
            "approval_rule_ids": [(6, 0, rules.ids)],
            "approved_rule_ids": [(5,)],
            "approver_ids": [(6, 0, approvers.ids)],
            "approval_requested_by_id": requester.id,
            "approval_requested_on": fields.Datetime.now(),
            "approved_by_id": False,
            "approved_on": False,
            "rejected_by_id": False,
            "rejected_on": False,
            "rejection_reason": False,
        })
        self._approval_schedule_activities(approvers, rules)
        rule_names = ", ".join(rules.mapped("name"))
        if again:
            self._approval_log("reset", rules, _("Changed by %s") % self.env.user.name)
            body = _("The quotation changed: approval requested again for %(rules)s "
                     "from %(users)s.")
        else:
            self._approval_log("request", rules)
            body = _("Approval requested for %(rules)s from %(users)s.")
        self.message_post(
            body=body % {"rules": rule_names,
                         "users": ", ".join(approvers.mapped("name"))},
            subtype="mail.mt_note", content_subtype="plaintext")

    @api.multi
    def _approval_schedule_activities(self, users, rules):
        self.ensure_one()
        model = self.env["ir.model"]._get(self._name)
        activity_type = self.env.ref("crm_core.mail_activity_type_quote_approval")
        note = _("Rules: %s") % ", ".join(rules.mapped("name"))
        Activity = self.env["mail.activity"]
        for user in users:
            Activity.create({
                "res_model_id": model.id,
                "res_id": self.id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "date_deadline": fields.Date.context_today(self),
                "summary": _("Approve quotation %s") % self.name,
                "note": note,
            })

    @api.multi
    def _approval_close_activities(self, feedback, keep=None):
        """Close the approval activities: the current user's are marked done with
        ``feedback``, the others' removed. ``keep``: users whose activity stays."""
        activity_type = self.env.ref("crm_core.mail_activity_type_quote_approval")
        activities = self.mapped("activity_ids").filtered(
            lambda a: a.activity_type_id == activity_type
            and (not keep or a.user_id not in keep))
        mine = activities.filtered(lambda a: a.user_id == self.env.user)
        if mine:
            mine.action_feedback(feedback)
        (activities - mine).unlink()

    @api.multi
    def _approval_no_longer_required(self):
        self.ensure_one()
        self._approval_close_activities(_("No longer requires approval"))
        self._approval_internal().write({
            "approval_state": "not_required",
            "approval_rule_ids": [(5,)],
            "approved_rule_ids": [(5,)],
            "approver_ids": [(5,)],
        })
        self._approval_log("not_required", self.env["crm.quote.approval.rule"],
                           _("Changed by %s") % self.env.user.name)
        self.message_post(
            body=_("The quotation changed and no longer requires approval."),
            subtype="mail.mt_note", content_subtype="plaintext")

    @api.multi
    def _approval_decider_rules(self):
        """The waiting rules the current user may decide on; refuses anyone else
        (their own quotation, not an approver, nothing waiting)."""
        self.ensure_one()
        user = self.env.user
        if self.approval_state != "to_approve":
            raise UserError(_("Quotation %s is not waiting for approval.")
                            % self.name)
        if user == self.user_id or user == self.approval_requested_by_id:
            raise AccessError(_(
                "You cannot approve or reject quotation %s: it is your own.")
                % self.name)
        pending = self.approval_rule_ids - self.approved_rule_ids
        mine = pending.filtered(lambda r: user in r._approver_users(self))
        if not mine:
            raise AccessError(_(
                "Only the approvers of %(rules)s may approve or reject quotation "
                "%(order)s.") % {"rules": ", ".join(pending.mapped("name")),
                                 "order": self.name})
        return mine

    @api.multi
    def _approval_approve(self):
        self.ensure_one()
        mine = self._approval_decider_rules()
        approved = self.approved_rule_ids | mine
        pending = self.approval_rule_ids - approved
        vals = {"approved_rule_ids": [(6, 0, approved.ids)]}
        if pending:
            waiting = pending._approver_users(self)
            vals["approver_ids"] = [(6, 0, waiting.ids)]
        else:
            waiting = self.env["res.users"]
            vals.update({
                "approval_state": "approved",
                "approver_ids": [(5,)],
                "approved_by_id": self.env.user.id,
                "approved_on": fields.Datetime.now(),
            })
        self._approval_close_activities(_("Approved"), keep=waiting)
        self._approval_internal().write(vals)
        self._approval_log("approve", mine)
        if pending:
            body = _("%(user)s approved %(rules)s; still waiting for %(pending)s.")
        else:
            body = _("%(user)s approved the quotation (%(rules)s).")
        self.message_post(
            body=body % {"user": self.env.user.name,
                         "rules": ", ".join(mine.mapped("name")),
                         "pending": ", ".join(pending.mapped("name"))},
            subtype="mail.mt_note", content_subtype="plaintext",
            partner_ids=self.user_id.partner_id.ids)

    @api.multi
    def _approval_reject(self, reason):
        self.ensure_one()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Give the reason for rejecting quotation %s.")
                            % self.name)
        mine = self._approval_decider_rules()
        self._approval_close_activities(_("Rejected: %s") % reason)
        self._approval_internal().write({
            "approval_state": "rejected",
            "approved_rule_ids": [(5,)],
            "approver_ids": [(5,)],
            "rejected_by_id": self.env.user.id,
            "rejected_on": fields.Datetime.now(),
            "rejection_reason": reason,
        })
        self._approval_log("reject", mine, reason)
        self.message_post(
            body=_("%(user)s rejected the quotation: %(reason)s") % {
                "user": self.env.user.name, "reason": reason},
            subtype="mail.mt_note", content_subtype="plaintext",
            partner_ids=self.user_id.partner_id.ids)

    @api.multi
    def _approval_log(self, action, rules, reason=False):
        """One history line per order; the history is written only here."""
        logs = self.env["crm.quote.approval.log"].sudo()  # sudo: read-only to users
        for order in self:
            logs.create({
                "order_id": order.id,
                "salesman_id": order.user_id.id,
                "team_id": order.team_id.id,
                "company_id": order.company_id.id,
                "action": action,
                "user_id": self.env.uid,
                "rule_ids": [(6, 0, rules.ids)],
                "reason": reason,
                "amount_untaxed": order.amount_untaxed,
            })

    @api.multi
    def _approval_check_confirm(self):
        """Refuse to confirm an order that a rule requires approval for and that is
        not approved (for each of those rules); writes nothing."""
        triggered = self._approval_triggered_rules()
        problems = []
        for order in self:
            missing = triggered[order.id] - order.approved_rule_ids
            if missing:
                state = dict(self._fields["approval_state"]._description_selection(
                    self.env))[order.approval_state]
                problems.append(_("%(order)s (%(state)s): %(rules)s") % {
                    "order": order.name, "state": state,
                    "rules": ", ".join(missing.mapped("name"))})
        if problems:
            raise UserError(_(
                "These quotations need approval before they can be confirmed. "
                "Request it with the Request Approval button and wait for an "
                "approver:\n%s") % "\n".join(problems))

    @api.multi
    def _action_confirm(self):
        self._approval_check_confirm()
        # the rules were switched off while a request waited: nothing to approve
        waiting = self.filtered(lambda o: o.approval_state == "to_approve")
        waiting._approval_close_activities(_("Confirmed"))
        waiting._approval_internal().write(
            {"approval_state": "not_required", "approver_ids": [(5,)]})
        return super(SaleOrder, self)._action_confirm()

    @api.multi
    def action_cancel(self):
        """A cancelled quotation waits for nobody; set back to a quotation, it is
        requested again."""
        waiting = self.filtered(lambda o: o.approval_state == "to_approve")
        res = super(SaleOrder, self).action_cancel()
        waiting._approval_close_activities(_("Cancelled"))
        waiting._approval_internal().write(
            {"approval_state": "required", "approver_ids": [(5,)]})
        return res
