from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

COMPENSATION_TYPES = [
    ("refund", "Refund"),
    ("credit_note", "Credit Note"),
    ("coupon", "Coupon"),
    ("free_service", "Free Service"),
]
#: who may see and set compensation amounts
AMOUNT_GROUPS = "crm_core.group_service_manager,account.group_account_invoice"


class CrmServiceCompensationPolicy(models.Model):
    """What a complaint level allows (补偿政策): one line per compensation type, with
    the highest amount and the approval tiers above given amounts."""

    _name = "crm.service.compensation.policy"
    _description = "Compensation Policy"
    _order = "level_id, compensation_type"

    level_id = fields.Many2one(
        "crm.service.complaint.level", "Complaint Level", required=True,
        ondelete="cascade", index=True)
    compensation_type = fields.Selection(COMPENSATION_TYPES, "Type", required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    max_amount = fields.Monetary(
        "Maximum Amount", required=True, groups=AMOUNT_GROUPS,
        help="No compensation of this type and level may exceed this amount.")
    unit_amount = fields.Monetary(
        "Standard Amount", groups=AMOUNT_GROUPS,
        help="Agents propose a number of units of this amount (e.g. one shipping "
             "fee); a service manager may set another amount. Zero: a service "
             "manager sets every amount.")
    coupon_validity_days = fields.Integer(
        "Coupon Validity (days)", default=90,
        help="Coupons of this policy expire this many days after approval.")
    note = fields.Text(
        "Guidance", translate=True,
        help="Shown to agents: what one unit stands for, when to propose it.")
    tier_ids = fields.One2many(
        "crm.service.compensation.tier", "policy_id", "Approval Tiers")

    _sql_constraints = [
        ("level_type_uniq", "unique (level_id, compensation_type, company_id)",
         "A complaint level has one policy per compensation type."),
    ]

    @api.multi
    def name_get(self):
        labels = dict(self._fields["compensation_type"]._description_selection(
            self.env))
        return [(policy.id, "%s / %s" % (policy.level_id.name,
                                         labels[policy.compensation_type]))
                for policy in self]

    @api.constrains("max_amount", "unit_amount", "coupon_validity_days")
    def _check_amounts(self):
        for policy in self.sudo():  # sudo: amounts are checked whoever saves
            if policy.max_amount <= 0:
                raise ValidationError(_(
                    "Policy %s: the maximum amount must be positive.")
                    % policy.display_name)
            if policy.unit_amount < 0 or policy.unit_amount > policy.max_amount:
                raise ValidationError(_(
                    "Policy %s: the standard amount must be from 0 to the maximum "
                    "amount.") % policy.display_name)
            if policy.coupon_validity_days < 1:
                raise ValidationError(_(
                    "Policy %s: coupons must be valid at least one day.")
                    % policy.display_name)

    def _required_tiers(self, amount):
        """The tiers an ``amount`` must pass, lowest threshold first: every tier
        whose threshold it exceeds (tiers stack)."""
        self.ensure_one()
        tiers = self.tier_ids.filtered(lambda tier: amount > tier.min_amount)
        return tiers.sorted(lambda tier: (tier.min_amount, tier.sequence, tier.id))
