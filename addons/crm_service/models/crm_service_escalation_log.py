from odoo import fields, models

from .crm_service_escalation_level import ESCALATION_KINDS


class CrmServiceEscalationLog(models.Model):
    """The audit trail of the escalation chain: one line per level fired for a
    ticket, whom it told, and who acknowledged it."""

    _name = "crm.service.escalation.log"
    _description = "Escalation Log"
    _order = "date desc, id desc"

    name = fields.Char("Escalation", required=True, readonly=True)
    ticket_id = fields.Many2one(
        "crm.service.ticket", required=True, index=True, readonly=True,
        ondelete="cascade")
    level_id = fields.Many2one(
        "crm.service.escalation.level", "Escalation Level", index=True,
        readonly=True, ondelete="set null")
    sequence = fields.Integer("Level", readonly=True)
    kind = fields.Selection(ESCALATION_KINDS, "Deadline", required=True,
                            readonly=True)
    deadline = fields.Datetime("Missed Deadline", readonly=True)
    due_date = fields.Datetime(
        "Due", readonly=True, help="The deadline plus the level's delay.")
    date = fields.Datetime("Notified On", required=True, readonly=True,
                           default=fields.Datetime.now)
    notified_user_ids = fields.Many2many(
        "res.users", "crm_service_escalation_log_user_rel", "log_id", "user_id",
        "Notified", readonly=True)
    activity_ids = fields.Many2many(
        "mail.activity", "crm_service_escalation_log_activity_rel", "log_id",
        "activity_id", "Activities", readonly=True)
    acknowledged_by_id = fields.Many2one("res.users", "Acknowledged by",
                                         readonly=True)
    acknowledged_date = fields.Datetime("Acknowledged on", readonly=True)
    team_id = fields.Many2one(related="ticket_id.team_id", store=True,
                              readonly=True, string="Team")
    user_id = fields.Many2one(related="ticket_id.user_id", readonly=True,
                              string="Assigned to")
    company_id = fields.Many2one(related="ticket_id.company_id", store=True,
                                 readonly=True, string="Company")

    _sql_constraints = [
        ("ticket_level_deadline_uniq", "unique (ticket_id, level_id, deadline)",
         "An escalation level fires once per ticket and deadline."),
    ]
