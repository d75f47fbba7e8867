from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    service_skill_ids = fields.Many2many(
        "crm.service.skill", "crm_service_skill_res_users_rel", "user_id", "skill_id",
        "Service Skills",
        help="What this agent can handle; dispatch rules requiring skills give "
             "tickets only to the agents having them.")
