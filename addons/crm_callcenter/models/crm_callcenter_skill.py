from odoo import fields, models


class CrmCallcenterSkill(models.Model):
    """A skill agents have at a level (技能组): a language, a product line, a kind
    of request. Queues require or prefer skills; routing matches them."""

    _name = "crm.callcenter.skill"
    _description = "Agent Skill"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Optional key for integrations.")
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    agent_skill_ids = fields.One2many("crm.callcenter.agent.skill", "skill_id",
                                      "Agents")

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A skill name is used once."),
    ]
