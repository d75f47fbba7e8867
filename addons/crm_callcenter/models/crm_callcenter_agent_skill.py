from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmCallcenterAgentSkill(models.Model):
    """An agent's level (1-5) in one skill."""

    _name = "crm.callcenter.agent.skill"
    _description = "Agent's Skill Level"
    _order = "agent_id, skill_id"
    _rec_name = "skill_id"

    agent_id = fields.Many2one("crm.callcenter.agent", required=True, index=True,
                               ondelete="cascade")
    skill_id = fields.Many2one("crm.callcenter.skill", required=True, index=True,
                               ondelete="cascade")
    level = fields.Integer(required=True, default=3,
                           help="From 1 (basic) to 5 (expert).")

    _sql_constraints = [
        ("agent_skill_uniq", "unique (agent_id, skill_id)",
         "An agent has one level per skill."),
    ]

    @api.constrains("level")
    def _check_level(self):
        for line in self:
            if not 1 <= line.level <= 5:
                raise ValidationError(_(
                    "Skill level: %(level)d is not between 1 and 5 (%(skill)s).")
                    % {"level": line.level, "skill": line.skill_id.name})
