import datetime

import pytz

from odoo import _, api, fields, models


class CrmServiceTicket(models.Model):
    """Field visits (上门服务): calendar events of the assignee at the customer's
    address, linked to the ticket."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.service.ticket"

    field_visit_ids = fields.One2many("calendar.event", "ticket_id", "Field Visits")
    field_visit_count = fields.Integer(compute="_compute_field_visit_count",
                                       string="Visits")

    def _compute_field_visit_count(self):
        data = self.env["calendar.event"].read_group(
            [("ticket_id", "in", self.ids)], ["ticket_id"], ["ticket_id"])
        counts = {row["ticket_id"][0]: row["ticket_id_count"] for row in data}
        for ticket in self:
            ticket.field_visit_count = counts.get(ticket.id, 0)

    @api.multi
    def action_schedule_visit(self):
        """Open a new calendar event for a visit, filled in from the ticket."""
        self.ensure_one()
        vals = self._prepare_visit_vals()
        context = {"default_%s" % name: value for name, value in vals.items()}
        return {
            "type": "ir.actions.act_window",
            "name": _("Schedule a Field Visit"),
            "res_model": "calendar.event",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }

    @api.multi
    def action_view_field_visits(self):
        self.ensure_one()
        action = self.env.ref("calendar.action_calendar_event").read()[0]
        action["domain"] = [("ticket_id", "=", self.id)]
        vals = self._prepare_visit_vals()
        for name in ("start", "stop", "duration"):
            vals.pop(name)
        action["context"] = {"default_%s" % name: value for name, value in vals.items()}
        return action

    @api.multi
    def schedule_visit(self, start, stop):
        """Create the field visit from ``start`` to ``stop`` (UTC strings)."""
        self.ensure_one()
        vals = self._prepare_visit_vals()
        vals.update(start=start, stop=stop)
        vals.pop("duration", None)
        return self.env["calendar.event"].create(vals)

    def _prepare_visit_vals(self):
        """The visit's name, attendees (the customer and the assignee, in whose
        calendar it appears), place (the customer's address) and a default time:
        the next day 09:00-11:00 in the assignee's time zone."""
        self.ensure_one()
        assignee = self.user_id or self.env.user
        partners = (self.partner_id | assignee.partner_id).ids
        start, stop = self._next_visit_slot(assignee.tz)
        return {
            "name": _("Field Visit %s") % self.number,
            "ticket_id": self.id,
            "user_id": assignee.id,
            "partner_ids": [(6, 0, partners)],
            "location": self._visit_location(),
            "description": self.name,
            "res_model_id": self.env["ir.model"]._get(self._name).id,
            "res_id": self.id,
            "start": start,
            "stop": stop,
            "duration": 2.0,
        }

    def _visit_location(self):
        partner = self.partner_id
        if partner and not (partner.street or partner.city):
            partner = partner.commercial_partner_id
        if not partner:
            return False
        parts = [partner.street, partner.street2, partner.city, partner.state_id.name,
                 partner.zip, partner.country_id.name]
        return ", ".join(part for part in parts if part) or False

    @api.model
    def _next_visit_slot(self, tz):
        """Tomorrow 09:00-11:00 local time, as UTC strings."""
        zone = pytz.timezone(tz or "UTC")
        today = datetime.datetime.now(zone).date()
        local = zone.localize(datetime.datetime.combine(
            today + datetime.timedelta(days=1), datetime.time(9, 0)))
        start = local.astimezone(pytz.utc).replace(tzinfo=None)
        return (fields.Datetime.to_string(start),
                fields.Datetime.to_string(start + datetime.timedelta(hours=2)))
