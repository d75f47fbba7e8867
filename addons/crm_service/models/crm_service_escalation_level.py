from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

ESCALATION_KINDS = [("response", "First Response"), ("resolution", "Resolution")]
NOTIFY = [
    ("assignee", "Assignee"),
    ("team_leader", "Team Leader"),
    ("managers", "Service Managers"),
    ("user", "A Specific Person"),
]


class CrmServiceEscalationLevel(models.Model):
    """One step of the 预警 escalation chain: who is told, and when, about a ticket
    that is about to miss or has missed a deadline. Levels of a policy apply to its
    tickets; levels without a policy apply to tickets whose policy has no levels of
    that kind (and to tickets without a policy that have a deadline)."""

    _name = "crm.service.escalation.level"
    _description = "Escalation Level"
    _order = "policy_id, kind, sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(
        "Level", required=True, default=1,
        help="Levels fire in this order, each once per breach.")
    active = fields.Boolean(default=True)
    policy_id = fields.Many2one(
        "crm.service.sla.policy", "SLA Policy", index=True, ondelete="cascade",
        help="Leave empty for a global level.")
    kind = fields.Selection(
        ESCALATION_KINDS, "Applies To", required=True, default="resolution",
        help="Which deadline the delay counts from.")
    notify = fields.Selection(NOTIFY, required=True, default="team_leader")
    user_id = fields.Many2one(
        "res.users", "Person", help="Whom to notify, e.g. the service director.")
    delay_hours = fields.Float(
        "Delay After Deadline",
        help="Hours after the deadline (clock hours); negative to warn before it, "
             "e.g. -1 tells the assignee an hour before the breach.")
    note = fields.Text("Message", help="Added to the escalation message.")

    @api.constrains("sequence", "policy_id", "kind", "active")
    def _check_sequence(self):
        for level in self:
            if level.sequence < 1:
                raise ValidationError(_(
                    "Level: escalation level %s must be numbered 1 or more.")
                    % level.name)
            twins = self.search_count([
                ("id", "!=", level.id), ("policy_id", "=", level.policy_id.id),
                ("kind", "=", level.kind), ("sequence", "=", level.sequence)])
            if twins:
                raise ValidationError(_(
                    "Level: another escalation level of the same policy and "
                    "deadline already has number %s.") % level.sequence)

    @api.constrains("notify", "user_id")
    def _check_user(self):
        for level in self:
            if level.notify == "user" and not level.user_id:
                raise ValidationError(_(
                    "Person: escalation level %s notifies a specific person; "
                    "choose who.") % level.name)

    @api.multi
    def name_get(self):
        return [(level.id, "%s. %s" % (level.sequence, level.name)) for level in self]
