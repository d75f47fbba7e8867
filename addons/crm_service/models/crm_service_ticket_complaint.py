from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_service_compensation_policy import AMOUNT_GROUPS


class CrmServiceTicket(models.Model):
    """Complaints have a level (投诉等级) that decides the compensations allowed."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.service.ticket"

    complaint_level_id = fields.Many2one(
        "crm.service.complaint.level", index=True,
        track_visibility="onchange")
    compensation_ids = fields.One2many("crm.service.compensation", "ticket_id",
                                       "Compensations")
    compensation_count = fields.Integer(compute="_compute_compensation_count")
    compensation_currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True,
        string="Compensation Currency")
    compensation_amount = fields.Monetary(
        "Compensation Cost", compute="_compute_compensation_amount",
        currency_field="compensation_currency_id", groups=AMOUNT_GROUPS,
        help="Approved and completed compensations of this complaint.")

    def _compute_compensation_count(self):
        data = self.env["crm.service.compensation"].read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id"], ["ticket_id"])
        counts = {row["ticket_id"][0]: row["ticket_id_count"] for row in data}
        for ticket in self:
            ticket.compensation_count = counts.get(ticket.id, 0)

    def _compute_compensation_amount(self):
        data = self.env["crm.service.compensation"].read_group(
            [("ticket_id", "in", self.ids), ("state", "in", ("approved", "done"))],
            ["ticket_id", "amount"], ["ticket_id"])
        amounts = {row["ticket_id"][0]: row["amount"] for row in data}
        for ticket in self:
            ticket.compensation_amount = amounts.get(ticket.id, 0.0)

    @api.constrains("complaint_level_id", "ticket_type")
    def _check_complaint_level(self):
        for ticket in self:
            if ticket.complaint_level_id and ticket.ticket_type != "complaint":
                raise ValidationError(_(
                    "Ticket %s is not a complaint: only complaints have a complaint "
                    "level.") % ticket.number)

    @api.onchange("ticket_type")
    def _onchange_ticket_type_level(self):
        if self.ticket_type != "complaint":
            self.complaint_level_id = False

    @api.multi
    def action_view_compensations(self):
        self.ensure_one()
        action = self.env.ref("crm_service.crm_service_compensation_action").read()[0]
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id,
                             "default_product_id": self.product_id.id}
        return action
