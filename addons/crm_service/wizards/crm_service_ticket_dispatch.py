from odoo import api, fields, models


class CrmServiceTicketDispatch(models.TransientModel):
    """The dispatcher's dialog (派单): a team, a person in it, and a note."""

    _name = "crm.service.ticket.dispatch"
    _description = "Dispatch Tickets"
    # the context's active ids are of this model
    _crm_active_model = "crm.service.ticket"

    ticket_ids = fields.Many2many("crm.service.ticket", string="Tickets")
    team_id = fields.Many2one("crm.service.team")
    user_id = fields.Many2one("res.users", "Person")
    note = fields.Text("Instructions")

    @api.model
    def default_get(self, fields_list):
        res = super(CrmServiceTicketDispatch, self).default_get(fields_list)
        ids = self.env.context.get("active_ids") or []
        if self.env.context.get("active_model") == "crm.service.ticket" and ids:
            tickets = self.env["crm.service.ticket"].browse(ids)
            res["ticket_ids"] = [(6, 0, tickets.ids)]
            if len(tickets.mapped("team_id")) == 1:
                res["team_id"] = tickets.mapped("team_id").id
        return res

    @api.onchange("team_id")
    def _onchange_team_id(self):
        members = self.team_id.member_ids | self.team_id.leader_id
        if self.team_id and self.user_id and self.user_id not in members:
            self.user_id = False
        domain = ([("id", "in", members.ids)] if self.team_id
                  else [("share", "=", False)])
        return {"domain": {"user_id": domain}}

    def action_dispatch(self):
        self.ensure_one()
        self.ticket_ids.dispatch_to(self.team_id, self.user_id, self.note)
        return {"type": "ir.actions.act_window_close"}
