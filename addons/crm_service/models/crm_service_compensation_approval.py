from odoo import _, api, fields, models

from .crm_service_compensation_policy import AMOUNT_GROUPS

APPROVAL_STATES = [
    ("waiting", "Waiting"),
    ("pending", "To Decide"),
    ("approved", "Approved"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
]


class CrmServiceCompensationApproval(models.Model):
    """One approval step of a compensation: the tier it comes from (copied, so a
    later change of the policy does not change a request under way), who decided,
    when, and why."""

    _name = "crm.service.compensation.approval"
    _description = "Compensation Approval"
    _order = "compensation_id, sequence, id"
    _rec_name = "approver_label"

    compensation_id = fields.Many2one(
        "crm.service.compensation", required=True,
        ondelete="cascade", index=True)
    sequence = fields.Integer("Step", required=True, default=1)
    tier_id = fields.Many2one("crm.service.compensation.tier",
                              ondelete="set null")
    currency_id = fields.Many2one(related="compensation_id.currency_id",
                                  readonly=True)
    min_amount = fields.Monetary("Above Amount", groups=AMOUNT_GROUPS)
    group_id = fields.Many2one("res.groups", "Approving Group")
    user_id = fields.Many2one("res.users", "Approving User")
    approver_label = fields.Char("Approver", compute="_compute_approver_label")
    state = fields.Selection(APPROVAL_STATES, "Decision", required=True,
                             default="waiting")
    decided_by_id = fields.Many2one("res.users", "Decided by")
    decided_date = fields.Datetime("Decided on")
    note = fields.Text()

    @api.depends("group_id", "user_id")
    def _compute_approver_label(self):
        for line in self:
            if line.user_id:
                line.approver_label = line.user_id.name
            else:
                line.approver_label = _("any member of %s") % line.group_id.full_name

    def _approvers(self):
        """The users who may decide this step (active internal users)."""
        self.ensure_one()
        users = self.user_id | self.group_id.users
        return users.filtered(lambda user: user.active and not user.share)
