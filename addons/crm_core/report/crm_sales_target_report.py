from psycopg2 import sql

from odoo import _, api, fields, models, tools

from ..lib.report_ratios import apply_ratios, ratio_fields

RATIOS = {
    "attainment_pct": ("attained_amount", "target_amount", 100.0),
    "paid_pct": ("paid_amount", "target_amount", 100.0),
}

# Customer invoices and credit notes that count: posted (open or paid).
INVOICE_FILTER = """
    i.type IN ('out_invoice', 'out_refund') AND i.state IN ('open', 'paid')"""
# Open opportunities: not lost (archived) and not won (100 % on the lead or stage).
OPEN_OPPORTUNITY_FILTER = """
    o.type = 'opportunity' AND o.active
    AND o.probability < 100 AND COALESCE(s.probability, 0) < 100"""
# The share of an invoice already paid: (total - amount due) / total, both signed.
PAID_SHARE = """
    CASE WHEN i.amount_total_company_signed = 0 THEN 0
         ELSE (i.amount_total_company_signed - i.residual_company_signed)
              / i.amount_total_company_signed END"""

# Partial indexes for the attribution of invoices and opportunities to a
# salesperson or team over a period (name, table, columns, condition).
POSTED = "type IN ('out_invoice', 'out_refund') AND state IN ('open', 'paid')"
INDEXES = [
    ("crm_core_invoice_user_date_idx", "account_invoice", "user_id, date_invoice",
     POSTED),
    ("crm_core_invoice_team_date_idx", "account_invoice", "team_id, date_invoice",
     POSTED),
    ("crm_core_lead_user_deadline_idx", "crm_lead", "user_id, date_deadline",
     "type = 'opportunity' AND active"),
    ("crm_core_lead_team_deadline_idx", "crm_lead", "team_id, date_deadline",
     "type = 'opportunity' AND active"),
]

_INVOICES = """
    LEFT JOIN LATERAL (
        SELECT sum(l.price_subtotal_signed) AS attained,
               sum(l.price_subtotal_signed * {paid_share}) AS paid
          FROM account_invoice i
          JOIN account_invoice_line l ON l.invoice_id = i.id
         WHERE t.target_type = {kind} AND i.{column} = t.{column}
           AND {invoice_filter}
           AND i.company_id = t.company_id
           AND i.date_invoice BETWEEN t.date_start AND t.date_end
           AND (t.categ_id IS NULL OR EXISTS (
                SELECT 1
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN product_category pc ON pc.id = pt.categ_id
                  JOIN product_category tc ON tc.id = t.categ_id
                 WHERE pp.id = l.product_id
                   AND pc.parent_left >= tc.parent_left
                   AND pc.parent_left < tc.parent_right))
    ) {alias} ON TRUE"""

_PIPELINE = """
    LEFT JOIN LATERAL (
        SELECT sum(o.planned_revenue * o.probability / 100.0) AS weighted
          FROM crm_lead o
          LEFT JOIN crm_stage s ON s.id = o.stage_id
         WHERE t.target_type = {kind} AND o.{column} = t.{column}
           AND t.categ_id IS NULL
           AND {open_filter}
           AND (o.company_id = t.company_id OR o.company_id IS NULL)
           AND o.date_deadline BETWEEN t.date_start AND t.date_end
    ) {alias} ON TRUE"""


class CrmSalesTargetReport(models.Model):
    """Targets & Attainment: one row per sales target with its measures, computed
    for every target in one statement (a lateral aggregate per measure, each an
    index range scan of the salesperson's or team's invoices or opportunities in
    the period).

    - Target: the amount, or for a team target that is the sum of its members',
      the sum of the salesperson targets of that team, period type, start and
      category.
    - Attained: posted customer invoices dated in the period minus posted credit
      notes, untaxed, in the company's currency (invoice lines' signed subtotal),
      of the target's salesperson (the invoice's salesperson) or team (the
      invoice's sales team); with a category, only lines of products in it or
      below it.
    - Paid: the same lines, each times the share of its invoice already paid
      ((total - amount due) / total, both in the company's currency).
    - Weighted pipeline: expected revenue x probability / 100 of the open
      opportunities (not lost, not won) of the salesperson or team expected to
      close in the period. Opportunities carry no products: a category target has
      no pipeline.
    - Gap: target - attained - weighted pipeline.
    """

    _name = "crm.sales.target.report"
    _description = "Targets & Attainment"
    _auto = False
    _order = "attainment_pct desc, target_amount desc, id"
    _rec_name = "target_id"

    target_id = fields.Many2one("crm.sales.target", readonly=True)
    target_type = fields.Selection(
        [("user", "Salesperson"), ("team", "Sales Team")], "Target For",
        readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        readonly=True)
    date_start = fields.Date("Start", readonly=True)
    date_end = fields.Date("End", readonly=True)
    period = fields.Char(readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    amount_source = fields.Selection(
        [("explicit", "Set Explicitly"), ("members", "Sum of Members' Targets")],
        "Target Source", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    target_amount = fields.Monetary("Target", readonly=True)
    attained_amount = fields.Monetary("Attained", readonly=True)
    paid_amount = fields.Monetary("Paid", readonly=True)
    pipeline_amount = fields.Monetary("Weighted Pipeline", readonly=True)
    gap_amount = fields.Monetary("Forecast Gap", readonly=True)
    attainment_pct = fields.Float("Attainment (%)", readonly=True,
                                  group_operator="avg")
    paid_pct = fields.Float("Paid (%)", readonly=True, group_operator="avg")

    @api.model_cr
    def init(self):
        # after every model of the module has its table (their order is not fixed)
        self.pool.post_init(self._create_view)

    def _create_indexes(self):
        cr = self.env.cr
        for name, table, columns, where in INDEXES:
            cr.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", (name,))
            if cr.fetchone():
                continue
            query = sql.SQL("CREATE INDEX {} ON {} ({}) WHERE {}").format(
                sql.Identifier(name), sql.Identifier(table), sql.SQL(columns),
                sql.SQL(where))
            cr.execute(query)  # sql-safe: constant identifiers and conditions

    def _create_view(self):
        self._create_indexes()
        parts = {
            "paid_share": sql.SQL(PAID_SHARE),
            "invoice_filter": sql.SQL(INVOICE_FILTER),
            "open_filter": sql.SQL(OPEN_OPPORTUNITY_FILTER),
        }
        joins = []
        for kind, column, alias in (("user", "user_id", "iu"),
                                    ("team", "team_id", "it")):
            joins.append(sql.SQL(_INVOICES).format(
                kind=sql.Literal(kind), column=sql.Identifier(column),
                alias=sql.Identifier(alias), **parts))
        for kind, column, alias in (("user", "user_id", "pu"),
                                    ("team", "team_id", "pt")):
            joins.append(sql.SQL(_PIPELINE).format(
                kind=sql.Literal(kind), column=sql.Identifier(column),
                alias=sql.Identifier(alias), **parts))
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = sql.SQL("""
            CREATE VIEW {table} AS (
                SELECT x.*,
                       x.target_amount - x.attained_amount - x.pipeline_amount
                           AS gap_amount,
                       CASE WHEN x.target_amount > 0
                            THEN 100.0 * x.attained_amount / x.target_amount
                            ELSE 0 END AS attainment_pct,
                       CASE WHEN x.target_amount > 0
                            THEN 100.0 * x.paid_amount / x.target_amount
                            ELSE 0 END AS paid_pct
                  FROM (
                    SELECT t.id, t.id AS target_id, t.target_type, t.user_id,
                           t.team_id, t.period_type, t.date_start, t.date_end,
                           t.period, t.categ_id, t.amount_source, t.company_id,
                           c.currency_id,
                           g.amount AS target_amount,
                           COALESCE(iu.attained, it.attained, 0) AS attained_amount,
                           COALESCE(iu.paid, it.paid, 0) AS paid_amount,
                           COALESCE(pu.weighted, pt.weighted, 0) AS pipeline_amount
                      FROM crm_sales_target t
                      JOIN res_company c ON c.id = t.company_id
                      CROSS JOIN LATERAL (
                          SELECT CASE
                              WHEN t.target_type = 'team'
                               AND t.amount_source = 'members'
                              THEN COALESCE((
                                  SELECT sum(m.amount) FROM crm_sales_target m
                                   WHERE m.target_type = 'user'
                                     AND m.team_id = t.team_id
                                     AND m.company_id = t.company_id
                                     AND m.period_type = t.period_type
                                     AND m.date_start = t.date_start
                                     AND m.categ_id IS NOT DISTINCT FROM t.categ_id
                              ), 0)
                              ELSE COALESCE(t.amount, 0) END AS amount
                          OFFSET 0  -- computed once, not once per use
                      ) g
                      {joins}
                  ) x
            )""").format(table=sql.Identifier(self._table),
                         joins=sql.SQL("\n").join(joins))
        self.env.cr.execute(query)  # sql-safe: constant SQL pieces and identifiers

    @api.model
    def _read_measures(self, target_ids):
        """{target id: {measure: value}} for the given targets, in one query."""
        if not target_ids:
            return {}
        self.env.cr.execute("""
            SELECT id, target_amount, attained_amount, paid_amount, pipeline_amount,
                   gap_amount, attainment_pct, paid_pct
              FROM crm_sales_target_report
             WHERE id IN %s""", (tuple(target_ids),))
        names = ("target_amount", "attained_amount", "paid_amount", "pipeline_amount",
                 "gap_amount", "attainment_pct", "paid_pct")
        return {row[0]: dict(zip(names, row[1:])) for row in self.env.cr.fetchall()}

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None,
                   orderby=False, lazy=True):
        """A group's attainment and paid percentages are its attained and paid
        amounts over its target, not an average of the rows' percentages."""
        groups = super(CrmSalesTargetReport, self).read_group(
            domain, ratio_fields(fields, RATIOS), groupby, offset=offset,
            limit=limit, orderby=orderby, lazy=lazy)
        return apply_ratios(groups, fields, RATIOS)

    @api.multi
    def action_open_target(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Sales Target"),
            "res_model": "crm.sales.target",
            "res_id": self.target_id.id,
            "view_mode": "form",
            "target": "current",
        }
