from odoo import api, fields, models


class CrmServiceTeam(models.Model):
    """A service team (服务组): its leader and members share one queue of tickets."""

    _name = "crm.service.team"
    _description = "Service Team"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    leader_id = fields.Many2one("res.users", "Team Leader", index=True)
    member_ids = fields.Many2many(
        "res.users", "crm_service_team_member_rel", "team_id", "user_id", "Members")
    category_ids = fields.Many2many(
        "crm.service.category", string="Categories Handled",
        help="Tickets of these categories are dispatched to this team.")
    ticket_count = fields.Integer(compute="_compute_ticket_count",
                                  string="Open Tickets")

    def _compute_ticket_count(self):
        data = self.env["crm.service.ticket"].read_group(
            [("team_id", "in", self.ids), ("is_open", "=", True)],
            ["team_id"], ["team_id"])
        counts = {row["team_id"][0]: row["team_id_count"] for row in data}
        for team in self:
            team.ticket_count = counts.get(team.id, 0)

    @api.model
    def create(self, vals):
        team = super(CrmServiceTeam, self).create(vals)
        self.env["ir.rule"].clear_caches()
        return team

    @api.multi
    def write(self, vals):
        res = super(CrmServiceTeam, self).write(vals)
        if {"leader_id", "member_ids", "active"} & set(vals):
            self.env["ir.rule"].clear_caches()
        return res

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env.ref("crm_service.crm_service_ticket_action").read()[0]
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id, "search_default_open": 1}
        return action
