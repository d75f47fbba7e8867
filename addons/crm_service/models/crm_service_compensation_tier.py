from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_service_compensation_policy import AMOUNT_GROUPS


class CrmServiceCompensationTier(models.Model):
    """An approval tier: a compensation above ``min_amount`` needs the approval of
    a member of ``group_id`` or of ``user_id``. Tiers stack: an amount above two
    thresholds needs both approvals, lowest first."""

    _name = "crm.service.compensation.tier"
    _description = "Compensation Approval Tier"
    _order = "policy_id, min_amount, sequence, id"

    policy_id = fields.Many2one(
        "crm.service.compensation.policy", required=True,
        ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    currency_id = fields.Many2one(
        "res.currency", related="policy_id.currency_id", readonly=True)
    min_amount = fields.Monetary(
        "Above Amount", groups=AMOUNT_GROUPS,
        help="Compensations above this amount need this approval.")
    group_id = fields.Many2one(
        "res.groups", "Approving Group",
        help="Any member of this group approves (e.g. Customer Service / Manager).")
    user_id = fields.Many2one("res.users", "Approving User")

    @api.constrains("group_id", "user_id", "min_amount")
    def _check_approver(self):
        for tier in self.sudo():  # sudo: amounts are checked whoever saves
            if bool(tier.group_id) == bool(tier.user_id):
                raise ValidationError(_(
                    "An approval tier of policy %s needs either an approving group "
                    "or an approving user (not both).") % tier.policy_id.display_name)
            if tier.min_amount < 0:
                raise ValidationError(_(
                    "An approval tier of policy %s has a negative amount.")
                    % tier.policy_id.display_name)
