from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class CrmServiceWorkday(models.Model):
    """A make-up working day (调休) of a business calendar: a date that is normally
    off, usually a Saturday or Sunday next to a public holiday, worked with the
    hours of a normal weekday. ``resource.calendar`` cannot express such days, so
    SLA deadlines read them from here."""

    _name = "crm.service.workday"
    _description = "Make-up Working Day"
    _order = "date"

    calendar_id = fields.Many2one(
        "resource.calendar", "Business Calendar", required=True, index=True,
        ondelete="cascade")
    date = fields.Date(required=True, index=True)
    name = fields.Char("Reason", help="e.g. 国庆节调休 National Day make-up day")
    dayofweek = fields.Selection(
        WEEKDAYS, "Worked Like", required=True, default="0",
        help="The weekday whose working hours apply on this date.")

    _sql_constraints = [
        ("calendar_date_uniq", "unique (calendar_id, date)",
         "A date is a make-up working day of a calendar only once."),
    ]

    @api.constrains("calendar_id", "dayofweek")
    def _check_dayofweek_has_hours(self):
        labels = dict(self._fields["dayofweek"]._description_selection(self.env))
        for workday in self:
            days = workday.calendar_id.attendance_ids.mapped("dayofweek")
            if workday.dayofweek not in days:
                raise ValidationError(_(
                    "Worked Like: calendar %(calendar)s has no working hours on "
                    "%(weekday)s, so make-up day %(date)s would add no time.") % {
                        "calendar": workday.calendar_id.name,
                        "weekday": labels[workday.dayofweek],
                        "date": workday.date})
