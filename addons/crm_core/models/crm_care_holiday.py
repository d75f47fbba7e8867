from odoo import api, fields, models


class CrmCareHoliday(models.Model):
    """A holiday customer care greets customers for (Spring Festival,
    Mid-Autumn...), with its date in each year (lunar holidays move)."""

    _name = "crm.care.holiday"
    _description = "Care Holiday"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    date_ids = fields.One2many("crm.care.holiday.date", "holiday_id", "Dates",
                               copy=True)
    next_date = fields.Date(compute="_compute_next_date")

    @api.multi
    def _compute_next_date(self):
        first = {}
        if self.ids:
            self.env.cr.execute("""
                SELECT holiday_id, min(date) FROM crm_care_holiday_date
                 WHERE holiday_id IN %s AND date >= %s GROUP BY holiday_id
            """, (tuple(self.ids), fields.Date.context_today(self)))
            first = dict(self.env.cr.fetchall())
        for holiday in self:
            holiday.next_date = first.get(holiday.id)
