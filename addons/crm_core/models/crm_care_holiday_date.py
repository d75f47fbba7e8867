from odoo import api, fields, models


class CrmCareHolidayDate(models.Model):
    """The date of a holiday in one year."""

    _name = "crm.care.holiday.date"
    _description = "Care Holiday Date"
    _order = "date"

    holiday_id = fields.Many2one("crm.care.holiday", required=True,
                                 index=True, ondelete="cascade")
    date = fields.Date(required=True, index=True)
    year = fields.Integer(compute="_compute_year", store=True)

    _sql_constraints = [
        ("year_uniq", "unique(holiday_id, year)",
         "A holiday has one date per year."),
    ]

    @api.multi
    @api.depends("date")
    def _compute_year(self):
        for line in self:
            line.year = int(line.date[:4]) if line.date else 0
