from odoo import fields, models


class CrmServiceComplaintLevel(models.Model):
    """How serious a complaint is (投诉等级: 一般 / 严重 / 重大). Each level says which
    compensations it allows, up to which amount, and who approves them."""

    _name = "crm.service.complaint.level"
    _description = "Complaint Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(
        translate=True, help="When a complaint is of this level: criteria for agents.")
    policy_ids = fields.One2many(
        "crm.service.compensation.policy", "level_id", "Compensation Policies")

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A complaint level name is used once."),
    ]
