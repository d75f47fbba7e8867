from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_is_zero

CONDITIONS = [
    ("discount", "Line Discount Above"),
    ("amount", "Untaxed Amount Above"),
    ("margin", "Margin Below"),
    ("customer_level", "Customer Level Is"),
]


class CrmQuoteApprovalRule(models.Model):
    """When a quotation needs approval (流程审核) before it may be confirmed, and who
    approves it: one typed condition with its threshold, optionally for some sales
    teams only, routed to an approver group and/or approver users."""

    _name = "crm.quote.approval.rule"
    _description = "Quote Approval Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    team_ids = fields.Many2many(
        "crm.team", "crm_quote_approval_rule_team_rel", "rule_id", "team_id",
        "Sales Teams",
        help="The rule applies to the quotations of these teams; empty: of every "
             "team.")
    condition = fields.Selection(CONDITIONS, required=True, default="discount")
    discount_threshold = fields.Float(
        "Maximum Discount (%)", digits=(16, 2),
        help="A quotation with a line discount above this percentage needs "
             "approval; exactly this discount does not.")
    amount_threshold = fields.Monetary(
        "Maximum Untaxed Amount", currency_field="currency_id",
        help="A quotation whose untaxed amount, in the company currency, is above "
             "this amount needs approval; exactly this amount does not.")
    margin_threshold = fields.Float(
        "Minimum Margin (%)", digits=(16, 2),
        help="A quotation whose margin (untaxed amount minus the products' cost, "
             "as a percentage of the untaxed amount) is below this percentage "
             "needs approval; exactly this margin does not.")
    customer_level_ids = fields.Many2many(
        "crm.dictionary.item", "crm_quote_approval_rule_level_rel", "rule_id",
        "level_id", "Customer Levels",
        domain=[("dictionary_code", "=", "customer_level")],
        help="A quotation for a customer of one of these levels needs approval.")
    approver_group_id = fields.Many2one(
        "res.groups",
        help="Every user of this group may approve; each gets an activity.")
    approver_user_ids = fields.Many2many(
        "res.users", "crm_quote_approval_rule_user_rel", "rule_id", "user_id",
        "Approvers", help="These users may approve; each gets an activity.")
    condition_text = fields.Char(
        "Condition Summary", compute="_compute_condition_text")

    @api.multi
    @api.depends("condition", "discount_threshold", "amount_threshold",
                 "margin_threshold", "customer_level_ids")
    def _compute_condition_text(self):
        for rule in self:
            if rule.condition == "discount":
                rule.condition_text = _("Line discount above %s %%") % (
                    rule.discount_threshold)
            elif rule.condition == "amount":
                rule.condition_text = _(
                    "Untaxed amount above %(amount)s %(currency)s") % {
                        "amount": rule.amount_threshold,
                        "currency": rule.currency_id.name or ""}
            elif rule.condition == "margin":
                rule.condition_text = _("Margin below %s %%") % (
                    rule.margin_threshold)
            elif rule.condition == "customer_level":
                rule.condition_text = _("Customer level is %s") % ", ".join(
                    rule.customer_level_ids.mapped("name"))

    @api.constrains("condition", "discount_threshold", "amount_threshold",
                    "margin_threshold", "customer_level_ids")
    def _check_threshold(self):
        for rule in self:
            if rule.condition == "discount" and not (
                    0 <= rule.discount_threshold < 100):
                raise ValidationError(_(
                    "Rule %s: the maximum discount must be from 0 to 99.99 %%.")
                    % rule.name)
            if rule.condition == "amount" and rule.amount_threshold < 0:
                raise ValidationError(_(
                    "Rule %s: the maximum untaxed amount cannot be negative.")
                    % rule.name)
            if rule.condition == "margin" and not (
                    -100 <= rule.margin_threshold <= 100):
                raise ValidationError(_(
                    "Rule %s: the minimum margin must be from -100 to 100 %%.")
                    % rule.name)
            if rule.condition == "customer_level" and not rule.customer_level_ids:
                raise ValidationError(_(
                    "Rule %s: choose at least one customer level.") % rule.name)

    @api.constrains("approver_group_id", "approver_user_ids")
    def _check_approvers(self):
        for rule in self:
            if not rule.approver_group_id and not rule.approver_user_ids:
                raise ValidationError(_(
                    "Rule %s: choose an approver group or approver users.")
                    % rule.name)

    # --- business methods ------------------------------------------------------------

    @api.multi
    def _applies_to(self, order):
        """Whether this rule requires ``order`` to be approved. Reads only fields of
        the order itself (stored totals), never its lines one by one."""
        self.ensure_one()
        if self.company_id != order.company_id:
            return False
        if self.team_ids and order.team_id not in self.team_ids:
            return False
        if self.condition == "discount":
            return float_compare(order.max_discount, self.discount_threshold,
                                 precision_digits=2) > 0
        if self.condition == "amount":
            return self.currency_id.compare_amounts(
                order._approval_amount_company(), self.amount_threshold) > 0
        if self.condition == "margin":
            if float_is_zero(order.amount_untaxed, precision_digits=6) \
                    and float_is_zero(order.margin_amount, precision_digits=6):
                return False  # nothing quoted yet
            return float_compare(order.margin_percent, self.margin_threshold,
                                 precision_digits=2) < 0
        if self.condition == "customer_level":
            level = order.partner_id.commercial_partner_id.customer_level_id
            return bool(level) and level in self.customer_level_ids
        return False

    @api.multi
    def _approver_users(self, order, requester=None):
        """The users who may approve ``order`` for these rules: the approver users
        and the approver groups' users of the order's company, except the order's
        salesperson and whoever requested the approval (nobody approves their own
        quotation)."""
        users = self.mapped("approver_user_ids") | self.mapped(
            "approver_group_id.users")
        excluded = order.user_id | (requester or order.approval_requested_by_id)
        return users.filtered(
            lambda u: u.active and not u.share and u not in excluded
            and order.company_id in u.company_ids)
