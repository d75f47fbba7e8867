from odoo import api, fields, models


class CrmServiceTicket(models.Model):
    """A ticket lists the calls about it: the one that opened it and the repeat
    contacts attached later."""

    _inherit = "crm.service.ticket"

    # auto_join: the call-center agents' read rule goes through the customer's
    # scope columns (one JOIN, not a list of ids)
    commercial_partner_id = fields.Many2one(auto_join=True)
    call_ids = fields.One2many("crm.callcenter.call", "ticket_id", "Calls")
    call_count = fields.Integer(
        "Calls", compute="_compute_call_count",
        groups="crm_core.group_callcenter_agent,crm_core.group_analyst")

    @api.multi
    def _compute_call_count(self):
        groups = self.env["crm.callcenter.call"].read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id"], ["ticket_id"])
        counts = {group["ticket_id"][0]: group["ticket_id_count"] for group in groups}
        for ticket in self:
            ticket.call_count = counts.get(ticket.id, 0)

    @api.multi
    def action_view_calls(self):
        self.ensure_one()
        action = self.env.ref("crm_callcenter.crm_callcenter_call_action").read()[0]
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
