from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.sales_period import (PERIOD_MONTHS, period_bounds, period_label,
                                period_problem)

MEASURES = ("target_amount", "attained_amount", "paid_amount", "pipeline_amount",
            "gap_amount", "attainment_pct", "paid_pct")


class CrmSalesTarget(models.Model):
    """A sales target (销售指标, 合理分配指标) of a salesperson or a sales team for one
    month, quarter or year, optionally for one product category. Its attainment,
    paid share, weighted pipeline and gap are read from the report view
    crm.sales.target.report, for all the targets shown at once."""

    _name = "crm.sales.target"
    _description = "Sales Target"
    _inherit = ["mail.thread"]
    _order = "date_start desc, period_type, target_type, team_id, user_id"

    def _default_date_start(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(period_bounds("month", today)[0])

    target_type = fields.Selection(
        [("user", "Salesperson"), ("team", "Sales Team")], "Target For",
        required=True, default="user", index=True, track_visibility="onchange")
    user_id = fields.Many2one("res.users", "Salesperson", index=True,
                              track_visibility="onchange")
    team_id = fields.Many2one(
        "crm.team", "Sales Team", index=True, track_visibility="onchange",
        help="For a salesperson's target, the team it counts for (the salesperson's "
             "team unless set); the team's target is the sum of these unless the "
             "team's own target is set explicitly.")
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        required=True, default="month", index=True, track_visibility="onchange")
    date_start = fields.Date("Start", required=True, index=True,
                             default=lambda self: self._default_date_start(),
                             track_visibility="onchange")
    date_end = fields.Date("End", required=True, index=True,
                           track_visibility="onchange")
    period = fields.Char(compute="_compute_period", store=True, index=True,
                         help="2026-05 for a month, 2026-Q2 for a quarter, 2026 for a "
                              "year.")
    categ_id = fields.Many2one(
        "product.category", "Product Category", index=True, ondelete="restrict",
        track_visibility="onchange",
        help="Only invoice lines of products in this category or one of its "
             "subcategories count. Empty: all revenue.")
    amount_source = fields.Selection(
        [("explicit", "Set Explicitly"), ("members", "Sum of Members' Targets")],
        "Target Source", required=True, default="explicit",
        track_visibility="onchange",
        help="A team's target is the sum of its members' targets for the same "
             "period and category, unless it is set explicitly.")
    amount = fields.Monetary("Target", currency_field="currency_id",
                             track_visibility="onchange",
                             help="In the company's currency, untaxed.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one("res.currency", related="company_id.currency_id",
                                  readonly=True)
    note = fields.Text()

    target_amount = fields.Monetary(
        compute="_compute_measures", currency_field="currency_id",
        help="The target, or for a team whose target is the sum of its members', "
             "that sum.")
    attained_amount = fields.Monetary(
        "Attained", compute="_compute_measures", currency_field="currency_id",
        help="Posted customer invoices dated in the period minus credit notes, "
             "untaxed, in the company's currency.")
    paid_amount = fields.Monetary(
        "Paid", compute="_compute_measures", currency_field="currency_id",
        help="The paid part of the attained amount: each invoice's untaxed amount "
             "times the share of its total already paid.")
    pipeline_amount = fields.Monetary(
        "Weighted Pipeline", compute="_compute_measures", currency_field="currency_id",
        help="Open opportunities expected to close in the period: expected revenue "
             "times probability.")
    gap_amount = fields.Monetary(
        "Forecast Gap", compute="_compute_measures", currency_field="currency_id",
        help="Target minus attained minus weighted pipeline.")
    attainment_pct = fields.Float("Attainment (%)", compute="_compute_measures")
    paid_pct = fields.Float("Paid (%)", compute="_compute_measures")

    @api.depends("period_type", "date_start")
    def _compute_period(self):
        for target in self:
            if target.period_type and target.date_start:
                target.period = period_label(
                    target.period_type, fields.Date.from_string(target.date_start))

    def _compute_measures(self):
        saved = [target_id for target_id in self.ids if isinstance(target_id, int)]
        rows = self.env["crm.sales.target.report"]._read_measures(saved)
        for target in self:
            values = rows.get(target.id)
            if values is None:
                # not saved yet: nothing is attained
                amount = target.amount if target.amount_source == "explicit" else 0.0
                values = dict.fromkeys(MEASURES, 0.0)
                values.update(target_amount=amount, gap_amount=amount)
            for name in MEASURES:
                target[name] = values[name]

    @api.constrains("target_type", "user_id", "team_id", "amount", "amount_source")
    def _check_subject(self):
        for target in self.sudo():  # sudo: runs before the create rule check
            if target.target_type == "user" and not target.user_id:
                raise ValidationError(_(
                    "A salesperson's target needs a salesperson (%s).")
                    % target.display_name)
            if target.target_type == "team" and not target.team_id:
                raise ValidationError(_(
                    "A team's target needs a sales team (%s).") % target.display_name)
            if target.amount < 0:
                raise ValidationError(_(
                    "The target amount cannot be negative (%s).") % target.display_name)

    @api.constrains("period_type", "date_start", "date_end")
    def _check_period(self):
        starts = {
            "month": _("A monthly target starts on the 1st of a month, not on "
                       "%(date)s (%(target)s)."),
            "quarter": _("A quarterly target starts on the 1st of January, April, "
                         "July or October, not on %(date)s (%(target)s)."),
            "year": _("A yearly target starts on the 1st of January, not on "
                      "%(date)s (%(target)s)."),
        }
        for target in self.sudo():  # sudo: runs before the create rule check
            start = fields.Date.from_string(target.date_start)
            end = fields.Date.from_string(target.date_end)
            problem = period_problem(target.period_type, start, end)
            if problem == "start":
                raise ValidationError(starts[target.period_type] % {
                    "date": target.date_start, "target": target.display_name})
            if problem == "end":
                raise ValidationError(_(
                    "A target starting on %(start)s ends on %(last)s, the last day of "
                    "its period, not on %(date)s (%(target)s).") % {
                        "start": target.date_start,
                        "last": period_bounds(target.period_type, start)[1],
                        "date": target.date_end, "target": target.display_name})

    @api.constrains("target_type", "user_id", "team_id", "period_type", "date_start",
                    "date_end", "categ_id", "company_id")
    def _check_overlap(self):
        """No two targets of the same salesperson (or team), category and period
        type overlap. One query for all the records checked."""
        if not self.ids:
            return
        self.env.cr.execute("""
            SELECT a.id, b.id
              FROM crm_sales_target a
              JOIN crm_sales_target b
                ON b.id <> a.id
               AND b.target_type = a.target_type
               AND b.company_id = a.company_id
               AND b.period_type = a.period_type
               AND b.categ_id IS NOT DISTINCT FROM a.categ_id
               AND (CASE WHEN a.target_type = 'user' THEN b.user_id = a.user_id
                         ELSE b.team_id = a.team_id END)
               AND b.date_start <= a.date_end AND b.date_end >= a.date_start
             WHERE a.id IN %s
             LIMIT 1""", (tuple(self.ids),))
        clash = self.env.cr.fetchone()
        if not clash:
            return
        target = self.sudo().browse(clash[0])  # sudo: before the create rule check
        other = self.sudo().browse(clash[1])  # sudo: named even when unreadable
        raise ValidationError(_(
            "%(subject)s already has a target of this period type and category "
            "overlapping %(start)s - %(end)s: %(other)s. Change the period or edit "
            "that target.") % {
                "subject": (target.user_id if target.target_type == "user"
                            else target.team_id).display_name,
                "start": target.date_start, "end": target.date_end,
                "other": other.display_name})

    @api.onchange("period_type", "date_start")
    def _onchange_period(self):
        if self.period_type and self.date_start:
            first, last = period_bounds(self.period_type,
                                        fields.Date.from_string(self.date_start))
            self.date_start = fields.Date.to_string(first)
            self.date_end = fields.Date.to_string(last)

    @api.onchange("user_id")
    def _onchange_user_id(self):
        if self.user_id and self.user_id.sale_team_id:
            self.team_id = self.user_id.sale_team_id

    @api.onchange("target_type")
    def _onchange_target_type(self):
        if self.target_type == "team":
            self.user_id = False
        else:
            self.amount_source = "explicit"

    @api.multi
    def name_get(self):
        result = []
        for target in self:
            subject = (target.user_id if target.target_type == "user"
                       else target.team_id).name or ""
            name = "%s %s" % (subject, target.period or "")
            if target.categ_id:
                name = "%s (%s)" % (name, target.categ_id.name)
            result.append((target.id, name.strip()))
        return result

    @api.model
    def create(self, vals):
        return super(CrmSalesTarget, self).create(self._prepare_target_vals(vals))

    @api.multi
    def write(self, vals):
        if {"target_type", "user_id", "period_type", "date_start"} & set(vals) \
                and len(self) == 1:
            vals = self._prepare_target_vals(vals, self)
        return super(CrmSalesTarget, self).write(vals)

    @api.model
    def _prepare_target_vals(self, vals, target=None):
        """Complete the values: a team's target has no salesperson, a
        salesperson's counts for their team unless one is given and is always set
        explicitly, and the end of the period follows from its start."""
        vals = dict(vals)
        target_type = vals.get("target_type") or (target and target.target_type) \
            or "user"
        if target_type == "team":
            vals["user_id"] = False
        else:
            vals["amount_source"] = "explicit"
            if vals.get("user_id") and "team_id" not in vals and not target:
                user = self.env["res.users"].browse(vals["user_id"])
                vals["team_id"] = user.sale_team_id.id
        period_type = vals.get("period_type") or (target and target.period_type) \
            or "month"
        if period_type not in PERIOD_MONTHS:
            return vals
        if not target and not vals.get("date_start"):
            start = self._context.get("default_date_start")
            if not start:
                today = fields.Date.from_string(fields.Date.context_today(self))
                start = fields.Date.to_string(period_bounds(period_type, today)[0])
            vals["date_start"] = start
        if vals.get("date_start") and not vals.get("date_end"):
            start = fields.Date.from_string(vals["date_start"])
            vals["date_end"] = fields.Date.to_string(
                period_bounds(period_type, start)[1])
        return vals
