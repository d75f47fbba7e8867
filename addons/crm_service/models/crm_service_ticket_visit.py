from odoo import api, fields, models

from .crm_service_visit import SATISFACTION


class CrmServiceTicket(models.Model):
    """Return visits of a ticket: planned when it is resolved (or later by the
    hourly job) as the policies say; the last score is kept on the ticket."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.service.ticket"

    visit_ids = fields.One2many("crm.service.visit", "ticket_id", "Return Visits")
    visit_count = fields.Integer(compute="_compute_visit_count")
    satisfaction = fields.Selection(
        SATISFACTION, readonly=True, copy=False, index=True,
        track_visibility="onchange", help="The score of the last return visit.")

    def _compute_visit_count(self):
        data = self.env["crm.service.visit"].read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id"], ["ticket_id"])
        counts = {row["ticket_id"][0]: row["ticket_id_count"] for row in data}
        for ticket in self:
            ticket.visit_count = counts.get(ticket.id, 0)

    def _after_transition(self, action):
        res = super(CrmServiceTicket, self)._after_transition(action)
        if action == "resolve":
            self.env["crm.service.visit"]._generate_visits(self.ids)
        elif action == "visit":
            self.env["crm.service.visit"]._plan_manual_visits(self)
        return res

    @api.multi
    def action_view_visits(self):
        self.ensure_one()
        action = self.env.ref("crm_service.crm_service_visit_action").read()[0]
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"search_default_planned": 0}
        return action
