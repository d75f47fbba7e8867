from odoo import fields, models


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    ticket_id = fields.Many2one(
        "crm.service.ticket", "Service Ticket", index=True, ondelete="set null",
        help="The ticket this field visit (上门服务) is for.")
