from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_service_ticket import TICKET_TYPES

ASSIGN_TO = [
    ("team_leader", "Team Leader"),
    ("ticket_user", "Ticket Assignee"),
    ("user", "A Given User"),
]


class CrmServiceVisitPolicy(models.Model):
    """When resolved tickets get a return visit (回访): which types and categories,
    how long after the resolution, which share of them (a sample that stays the
    same when the job runs again), and who calls the customer."""

    _name = "crm.service.visit.policy"
    _description = "Return-visit Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10, help="A ticket follows the first policy that matches it.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    ticket_type = fields.Selection(TICKET_TYPES,
                                   help="Empty: tickets of every type.")
    category_ids = fields.Many2many(
        "crm.service.category", "crm_service_visit_policy_category_rel",
        "policy_id", "category_id", "Categories",
        help="Empty: every category. A category includes its subcategories.")
    delay_hours = fields.Float(
        "Delay (hours)", default=0.0,
        help="The visit is planned this long after the resolution (0: at once).")
    sample_percent = fields.Float(
        "Sample (%)", default=100.0,
        help="The share of matching tickets that get a visit. The same tickets are "
             "drawn every time (by ticket), so running the job again changes "
             "nothing.")
    assign_to = fields.Selection(ASSIGN_TO, "Visitor", required=True,
                                 default="team_leader")
    user_id = fields.Many2one(
        "res.users", "Given User",
        help="Makes the visits when chosen as visitor, and when the team leader or "
             "the assignee is missing.")
    due_days = fields.Integer(
        "Days to Visit", default=2,
        help="The visit is due this many days after it is planned.")
    min_satisfaction = fields.Integer(
        "Satisfaction Threshold", default=3,
        help="A score below it reopens the ticket and alerts the team leader; a "
             "score at or above it closes the ticket.")
    script = fields.Text(
        "Call Script", translate=True,
        help="What the visitor asks the customer, shown on the visit.")

    @api.constrains("sample_percent", "delay_hours", "min_satisfaction",
                    "due_days", "assign_to", "user_id")
    def _check_values(self):
        for policy in self:
            if not 0 <= policy.sample_percent <= 100:
                raise ValidationError(_(
                    "Policy %s: the sample must be from 0 to 100 %%.") % policy.name)
            if policy.delay_hours < 0:
                raise ValidationError(_(
                    "Policy %s: the delay cannot be negative.") % policy.name)
            if not 1 <= policy.min_satisfaction <= 5:
                raise ValidationError(_(
                    "Policy %s: the satisfaction threshold must be from 1 to 5.")
                    % policy.name)
            if policy.due_days < 0:
                raise ValidationError(_(
                    "Policy %s: the days to visit cannot be negative.") % policy.name)
            if policy.assign_to == "user" and not policy.user_id:
                raise ValidationError(_(
                    "Policy %s: choose the given user who makes the visits.")
                    % policy.name)
