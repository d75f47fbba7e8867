from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    service_ticket_count = fields.Integer(
        compute="_compute_service_ticket_count", string="Service Tickets")

    def _compute_service_ticket_count(self):
        commercial = self.mapped("commercial_partner_id")
        data = self.env["crm.service.ticket"].read_group(
            [("commercial_partner_id", "in", commercial.ids)],
            ["commercial_partner_id"], ["commercial_partner_id"])
        counts = {row["commercial_partner_id"][0]: row["commercial_partner_id_count"]
                  for row in data}
        for partner in self:
            partner.service_ticket_count = counts.get(
                partner.commercial_partner_id.id, 0)

    def action_view_service_tickets(self):
        self.ensure_one()
        action = self.env.ref("crm_service.crm_service_ticket_action").read()[0]
        action["domain"] = [("commercial_partner_id", "=",
                             self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
