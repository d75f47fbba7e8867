from odoo import fields, models

AGENT_STATUSES = [
    ("available", "Available"),
    ("ringing", "Ringing"),
    ("on_call", "On a Call"),
    ("after_call", "After-call Work"),
    ("break", "On Break"),
    ("offline", "Offline"),
]


class CrmCallcenterAgent(models.Model):
    """A call-center agent (坐席): a user with extensions, skills and queues, and a
    status that the agent or the phone system changes."""

    _name = "crm.callcenter.agent"
    _description = "Call-center Agent"
    _order = "name"

    name = fields.Char(related="user_id.name", store=True, readonly=True)
    user_id = fields.Many2one("res.users", required=True, index=True,
                              ondelete="cascade")
    active = fields.Boolean(default=True)
    extension_ids = fields.One2many("crm.callcenter.extension", "agent_id",
                                    "Extensions")
    status = fields.Selection(AGENT_STATUSES, default="offline", required=True,
                              index=True)
    status_since = fields.Datetime(default=fields.Datetime.now, required=True)

    _sql_constraints = [
        ("user_uniq", "unique (user_id)", "A user is one agent."),
    ]
