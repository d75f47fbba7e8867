from odoo import fields, models


class CrmServiceSkill(models.Model):
    """A skill a service agent has (技能: 数控系统, 液压, 电气...). Dispatch rules may
    require skills: only the agents having all of them get the rule's tickets."""

    _name = "crm.service.skill"
    _description = "Service Skill"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    user_ids = fields.Many2many(
        "res.users", "crm_service_skill_res_users_rel", "skill_id", "user_id",
        "Agents", domain=[("share", "=", False)],
        help="The agents who have this skill.")

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A skill with this name already exists."),
    ]
