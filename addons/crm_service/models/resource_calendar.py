from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.base.res.res_partner import _tz_get

from ..lib.worktime import WorkCalendar


class ResourceCalendar(models.Model):
    """Business calendars of SLA deadlines: Odoo's working hours (attendances) and
    global leaves (public holidays), plus a time zone and make-up working days
    (调休) that Odoo 11's calendar cannot express."""

    _inherit = "resource.calendar"

    tz = fields.Selection(
        _tz_get, "Time Zone", default=lambda self: self._default_tz(),
        help="The working hours and holidays of this calendar are in this time "
             "zone; SLA deadlines are computed in it.")
    service_workday_ids = fields.One2many(
        "crm.service.workday", "calendar_id", "Make-up Working Days",
        help="Days normally off (weekends) that are worked, e.g. 调休 next to a "
             "public holiday.")

    @api.model
    def _default_tz(self):
        return self.env.context.get("tz") or self.env.user.tz or "UTC"

    def _work_calendar(self, since):
        """This calendar as a lib.worktime.WorkCalendar for moments from ``since``
        (a UTC datetime) on: weekly hours valid at ``since``, global leaves and
        make-up days that end after it. Three queries."""
        self.ensure_one()
        day = fields.Date.to_string(since.date() - timedelta(days=1))
        schedule = [
            (int(att.dayofweek), att.hour_from, att.hour_to)
            for att in self.attendance_ids
            if (not att.date_from or att.date_from <= day)
            and (not att.date_to or att.date_to >= day)
        ]
        leaves = self.env["resource.calendar.leaves"].search([
            ("calendar_id", "=", self.id), ("resource_id", "=", False),
            ("date_to", ">=", fields.Datetime.to_string(since - timedelta(days=1))),
        ])
        workdays = self.env["crm.service.workday"].search(
            [("calendar_id", "=", self.id), ("date", ">=", day)])
        return WorkCalendar(
            schedule,
            workdays={fields.Date.from_string(w.date): int(w.dayofweek)
                      for w in workdays},
            tz=self.tz or "UTC",
            leaves=[(fields.Datetime.from_string(leave.date_from),
                     fields.Datetime.from_string(leave.date_to))
                    for leave in leaves])
