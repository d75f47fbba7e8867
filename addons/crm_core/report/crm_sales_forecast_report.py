from psycopg2 import sql

from odoo import api, fields, models, tools

from ..lib.report_ratios import apply_ratios, ratio_fields
from .crm_sales_target_report import (INVOICE_FILTER, OPEN_OPPORTUNITY_FILTER,
                                      PAID_SHARE)

RATIOS = {"attainment_pct": ("attained_amount", "target_amount", 100.0)}


class CrmSalesForecastReport(models.Model):
    """Sales forecast by month (销售预测): for each month, salesperson and sales team,
    the target, the attained and paid revenue and the weighted pipeline expected
    to close, so that pivot and graph show forecast against target.

    - Target of a salesperson in a month: their monthly target; without one, a
      third of their quarterly target; without that, a twelfth of their yearly
      target (targets without a product category only). It is shown on the team
      the target counts for.
    - A team whose target for the month is set explicitly (resolved the same way)
      gets one more row without a salesperson: the team target minus its
      members' targets (what is not allocated to a salesperson; negative when the
      members' targets exceed it). So, grouped by team, the target is the team's
      own target when set, else the sum of its members' - and nothing is counted
      twice.
    - Attained and paid: posted customer invoices minus credit notes by invoice
      date, untaxed, in the company's currency, on the invoice's salesperson and
      team (paid: times the share of each invoice already paid).
    - Weighted pipeline: open opportunities by expected closing date, expected
      revenue x probability / 100, on the opportunity's salesperson and team.
    """

    _name = "crm.sales.forecast.report"
    _description = "Sales Forecast"
    _auto = False
    _order = "date desc, team_id, user_id"

    date = fields.Date("Month", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    target_amount = fields.Monetary("Target", readonly=True)
    attained_amount = fields.Monetary("Attained", readonly=True)
    paid_amount = fields.Monetary("Paid", readonly=True)
    pipeline_amount = fields.Monetary("Weighted Pipeline", readonly=True)
    forecast_amount = fields.Monetary(
        "Forecast", readonly=True, help="Attained plus weighted pipeline.")
    gap_amount = fields.Monetary(
        "Forecast Gap", readonly=True,
        help="Target minus attained minus weighted pipeline.")
    attainment_pct = fields.Float("Attainment (%)", readonly=True,
                                  group_operator="avg")

    @api.model_cr
    def init(self):
        # after every model of the module has its table (their order is not fixed)
        self.pool.post_init(self._create_view)

    def _create_view(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # Each fact row has a unique id (its source row's id, times 4, plus the
        # kind of source); a report row takes the smallest id of its facts, which
        # is unique and lets filters reach the indexed source tables (a window
        # function would compute every row before filtering).
        query = sql.SQL("""
            CREATE VIEW {table} AS (
                WITH target_months AS (
                    SELECT t.id, t.target_type, t.user_id, t.team_id, t.company_id,
                           t.amount_source, m.n, (t.date_start + m.n * interval
                               '1 month')::date AS month,
                           COALESCE(t.amount, 0) / CASE t.period_type
                               WHEN 'year' THEN 12 WHEN 'quarter' THEN 3
                               ELSE 1 END AS amount,
                           CASE t.period_type WHEN 'month' THEN 1
                               WHEN 'quarter' THEN 2 ELSE 3 END AS rank
                      FROM crm_sales_target t
                      CROSS JOIN LATERAL generate_series(0, CASE t.period_type
                          WHEN 'year' THEN 11 WHEN 'quarter' THEN 2
                          ELSE 0 END) m(n)
                     WHERE t.categ_id IS NULL
                ),
                rep_targets AS (
                    SELECT DISTINCT ON (company_id, user_id, month)
                           id, n, company_id, user_id, team_id, month, amount
                      FROM target_months
                     WHERE target_type = 'user'
                     ORDER BY company_id, user_id, month, rank
                ),
                team_targets AS (
                    SELECT DISTINCT ON (company_id, team_id, month)
                           id, n, company_id, team_id, month, amount, amount_source
                      FROM target_months
                     WHERE target_type = 'team'
                     ORDER BY company_id, team_id, month, rank
                ),
                facts AS (
                    SELECT (r.id * 12 + r.n) * 4 + 2 AS fact_id, r.month,
                           r.user_id, r.team_id, r.company_id, r.amount AS target,
                           0.0 AS attained, 0.0 AS paid, 0.0 AS pipeline
                      FROM rep_targets r
                    UNION ALL
                    SELECT (tt.id * 12 + tt.n) * 4 + 3, tt.month, NULL, tt.team_id,
                           tt.company_id,
                           tt.amount - COALESCE((
                               SELECT sum(r.amount) FROM rep_targets r
                                WHERE r.team_id = tt.team_id AND r.month = tt.month
                                  AND r.company_id = tt.company_id), 0),
                           0.0, 0.0, 0.0
                      FROM team_targets tt
                     WHERE tt.amount_source = 'explicit'
                    UNION ALL
                    SELECT i.id * 4, date_trunc('month', i.date_invoice)::date,
                           i.user_id, i.team_id, i.company_id, 0.0,
                           i.amount_untaxed_signed,
                           i.amount_untaxed_signed * {paid_share}, 0.0
                      FROM account_invoice i
                     WHERE {invoice_filter} AND i.date_invoice IS NOT NULL
                    UNION ALL
                    SELECT o.id * 4 + 1, date_trunc('month', o.date_deadline)::date,
                           o.user_id, o.team_id, o.company_id, 0.0, 0.0, 0.0,
                           o.planned_revenue * o.probability / 100.0
                      FROM crm_lead o
                      LEFT JOIN crm_stage s ON s.id = o.stage_id
                     WHERE {open_filter} AND o.date_deadline IS NOT NULL
                )
                SELECT min(f.fact_id) AS id, f.month AS date, f.user_id, f.team_id,
                       f.company_id, c.currency_id,
                       sum(f.target) AS target_amount,
                       sum(f.attained) AS attained_amount,
                       sum(f.paid) AS paid_amount,
                       sum(f.pipeline) AS pipeline_amount,
                       sum(f.attained) + sum(f.pipeline) AS forecast_amount,
                       sum(f.target) - sum(f.attained) - sum(f.pipeline)
                           AS gap_amount,
                       CASE WHEN sum(f.target) > 0
                            THEN 100.0 * sum(f.attained) / sum(f.target)
                            ELSE 0 END AS attainment_pct
                  FROM facts f
                  LEFT JOIN res_company c ON c.id = f.company_id
                 GROUP BY f.month, f.user_id, f.team_id, f.company_id, c.currency_id
            )""").format(
                table=sql.Identifier(self._table),
                paid_share=sql.SQL(PAID_SHARE),
                invoice_filter=sql.SQL(INVOICE_FILTER),
                open_filter=sql.SQL(OPEN_OPPORTUNITY_FILTER))
        self.env.cr.execute(query)  # sql-safe: constant SQL pieces and identifiers

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None,
                   orderby=False, lazy=True):
        """A group's attainment is its attained amount over its target."""
        groups = super(CrmSalesForecastReport, self).read_group(
            domain, ratio_fields(fields, RATIOS), groupby, offset=offset,
            limit=limit, orderby=orderby, lazy=lazy)
        return apply_ratios(groups, fields, RATIOS)
