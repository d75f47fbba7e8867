from psycopg2 import sql

from odoo import api, fields, models, tools

from ..lib.report_ratios import apply_ratios, ratio_fields
from .crm_sales_target_report import INVOICE_FILTER, PAID_SHARE

RATIOS = {"margin_per_order": ("margin_amount", "order_count", 1.0)}

# The month, in the salesperson's time zone, of a UTC datetime column.
LOCAL_MONTH = "date_trunc('month', timezone(r.tz, timezone('UTC', {})))::date"

# Order currency -> company currency, at the confirmation date (Odoo's rate rule:
# the company's own rate first, then the latest rate on or before the date).
ORDER_FX = """
    CASE WHEN pl.currency_id = co.currency_id THEN 1.0 ELSE
        COALESCE((SELECT cr.rate FROM res_currency_rate cr
                   WHERE cr.currency_id = co.currency_id
                     AND (cr.company_id IS NULL OR cr.company_id = so.company_id)
                     AND cr.name <= so.confirmation_date::date
                   ORDER BY cr.company_id, cr.name DESC LIMIT 1), 1.0)
        / COALESCE((SELECT NULLIF(cr.rate, 0) FROM res_currency_rate cr
                     WHERE cr.currency_id = pl.currency_id
                       AND (cr.company_id IS NULL OR cr.company_id = so.company_id)
                       AND cr.name <= so.confirmation_date::date
                     ORDER BY cr.company_id, cr.name DESC LIMIT 1), 1.0) END"""

# The cost of an order's lines: quantity in the product's unit x the product's
# cost (standard price, company-dependent: ir.property of the order's company,
# else the company's default), in the company's currency.
ORDER_COST = """
    SELECT sum(l.product_uom_qty / COALESCE(NULLIF(lu.factor, 0), 1)
               * COALESCE(pu.factor, 1)
               * COALESCE(
                   (SELECT ip.value_float FROM ir_property ip
                     WHERE ip.fields_id = sp.field_id
                       AND ip.res_id = 'product.product,' || l.product_id
                       AND ip.company_id = so.company_id
                     LIMIT 1),
                   (SELECT ip.value_float FROM ir_property ip
                     WHERE ip.fields_id = sp.field_id AND ip.res_id IS NULL
                       AND (ip.company_id = so.company_id OR ip.company_id IS NULL)
                     ORDER BY ip.company_id LIMIT 1),
                   0)) AS cost
      FROM sale_order_line l
      JOIN product_product pp ON pp.id = l.product_id
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
      LEFT JOIN product_uom lu ON lu.id = l.product_uom
      LEFT JOIN product_uom pu ON pu.id = pt.uom_id
     WHERE l.order_id = so.id"""


class CrmRepPerformanceReport(models.Model):
    """Rep activity and performance review (四种怠工): one row per salesperson and
    month, from activity to profit. Months of datetimes are the salesperson's
    own (their time zone; UTC when it has none).

    - Follow-ups logged (crm.followup, by date) and meetings organised
      (calendar.event the salesperson is responsible for, by start).
    - Opportunities created (converted from a lead, or created as one) and won
      (closed at 100 % probability, by closing date) with their expected revenue.
    - Quotations sent: orders in the Quotation Sent state, by order date.
    - Orders confirmed (confirmed or locked, by confirmation date): count,
      untaxed amount and margin in the company's currency. Margin = untaxed
      amount - the lines' cost, the cost being the products' current cost
      (standard price) x quantity in the product's unit; profit per deal =
      margin / orders.
    - Invoiced: posted customer invoices minus credit notes, untaxed, by invoice
      date; paid: the same times the share of each invoice already paid.

    The team of a row is the salesperson's current sales team.
    """

    _name = "crm.rep.performance.report"
    _description = "Rep Performance"
    _auto = False
    _order = "date desc, user_id"

    date = fields.Date("Month", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    followup_count = fields.Integer("Follow-ups", readonly=True)
    meeting_count = fields.Integer("Meetings", readonly=True)
    opportunity_count = fields.Integer("Opportunities Created", readonly=True)
    advanced_count = fields.Integer(
        "Opportunities Advanced", readonly=True,
        help="Moves of the rep's leads to a later stage of the pipeline.")
    won_count = fields.Integer("Opportunities Won", readonly=True)
    won_amount = fields.Monetary("Won Expected Revenue", readonly=True)
    quotation_count = fields.Integer("Quotations Sent", readonly=True)
    order_count = fields.Integer("Orders Confirmed", readonly=True)
    order_amount = fields.Monetary("Ordered (Untaxed)", readonly=True)
    margin_amount = fields.Monetary("Margin", readonly=True)
    margin_per_order = fields.Monetary(
        "Profit per Deal", readonly=True, group_operator="avg",
        help="Margin of the confirmed orders divided by their number.")
    invoiced_amount = fields.Monetary("Invoiced", readonly=True)
    paid_amount = fields.Monetary("Paid", readonly=True)

    @api.model_cr
    def init(self):
        # after every model of the module has its table (their order is not fixed)
        self.pool.post_init(self._create_view)

    def _create_view(self):
        tools.drop_view_if_exists(self.env.cr, self._table)

        # Row id: salesperson id x 100000 + months since year 0, unique and
        # computed without a window function (filters reach the source tables).
        query = sql.SQL("""
            CREATE VIEW {table} AS (
                WITH reps AS (
                    SELECT u.id AS user_id, u.sale_team_id AS team_id, u.company_id,
                           COALESCE(z.name, 'UTC') AS tz
                      FROM res_users u
                      JOIN res_partner p ON p.id = u.partner_id
                      LEFT JOIN pg_timezone_names z ON z.name = p.tz
                ),
                sp AS (
                    SELECT id AS field_id FROM ir_model_fields
                     WHERE model = 'product.product' AND name = 'standard_price'
                ),
                facts AS (
                    SELECT r.user_id, r.team_id, r.company_id,
                           {followup_month} AS month,
                           1 AS followups, 0 AS meetings, 0 AS created, 0 AS won,
                           0.0 AS won_amount, 0 AS quotations, 0 AS orders,
                           0.0 AS ordered, 0.0 AS margin, 0.0 AS invoiced,
                           0.0 AS paid, 0 AS advanced
                      FROM crm_followup f
                      JOIN reps r ON r.user_id = f.user_id
                    UNION ALL
                    SELECT r.user_id, r.team_id, r.company_id,
                           CASE WHEN e.allday
                                THEN date_trunc('month', e.start)::date
                                ELSE {meeting_month} END,
                           0, 1, 0, 0, 0.0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0
                      FROM calendar_event e
                      JOIN reps r ON r.user_id = e.user_id
                     WHERE e.active
                    UNION ALL
                    SELECT r.user_id, r.team_id, r.company_id, {created_month},
                           0, 0, 1, 0, 0.0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0
                      FROM crm_lead o
                      JOIN reps r ON r.user_id = o.user_id
                     WHERE o.type = 'opportunity'
                    UNION ALL
                    SELECT r.user_id, r.team_id, r.company_id, {won_month},
                           0, 0, 0, 1, o.planned_revenue, 0, 0, 0.0, 0.0, 0.0, 0.0, 0
                      FROM crm_lead o
                      JOIN reps r ON r.user_id = o.user_id
                      LEFT JOIN crm_stage s ON s.id = o.stage_id
                     WHERE o.type = 'opportunity' AND o.active
                       AND o.date_closed IS NOT NULL
                       AND (o.probability >= 100 OR COALESCE(s.probability, 0) >= 100)
                    UNION ALL
                    SELECT r.user_id, r.team_id, r.company_id, {quotation_month},
                           0, 0, 0, 0, 0.0, 1, 0, 0.0, 0.0, 0.0, 0.0, 0
                      FROM sale_order so
                      JOIN reps r ON r.user_id = so.user_id
                     WHERE so.state = 'sent'
                    UNION ALL
                    SELECT r.user_id, r.team_id, r.company_id, {order_month},
                           0, 0, 0, 0, 0.0, 0, 1,
                           so.amount_untaxed * fx.rate,
                           so.amount_untaxed * fx.rate - COALESCE(oc.cost, 0),
                           0.0, 0.0, 0
                      FROM sale_order so
                      JOIN reps r ON r.user_id = so.user_id
                      JOIN product_pricelist pl ON pl.id = so.pricelist_id
                      JOIN res_company co ON co.id = so.company_id
                      CROSS JOIN sp
                      CROSS JOIN LATERAL (SELECT {order_fx} AS rate) fx
                      LEFT JOIN LATERAL ({order_cost}) oc ON TRUE
                     WHERE so.state IN ('sale', 'done')
                       AND so.confirmation_date IS NOT NULL
                    UNION ALL
                    SELECT r.user_id, r.team_id, r.company_id,
                           date_trunc('month', i.date_invoice)::date,
                           0, 0, 0, 0, 0.0, 0, 0, 0.0, 0.0,
                           i.amount_untaxed_signed,
                           i.amount_untaxed_signed * {paid_share}, 0
                      FROM account_invoice i
                      JOIN reps r ON r.user_id = i.user_id
                     WHERE {invoice_filter} AND i.date_invoice IS NOT NULL
                    UNION ALL
                    SELECT r.user_id, r.team_id, r.company_id, {advanced_month},
                           0, 0, 0, 0, 0.0, 0, 0, 0.0, 0.0, 0.0, 0.0, 1
                      FROM crm_lead_stage_history h
                      JOIN reps r ON r.user_id = h.user_id
                      JOIN crm_stage sf ON sf.id = h.stage_from_id
                      JOIN crm_stage st ON st.id = h.stage_to_id
                     WHERE (st.sequence, st.id) > (sf.sequence, sf.id)
                )
                SELECT f.user_id::bigint * 100000
                           + EXTRACT(year FROM f.month)::int * 12
                           + EXTRACT(month FROM f.month)::int - 1 AS id,
                       f.month AS date, f.user_id, f.team_id, f.company_id,
                       c.currency_id,
                       sum(f.followups) AS followup_count,
                       sum(f.meetings) AS meeting_count,
                       sum(f.created) AS opportunity_count,
                       sum(f.advanced) AS advanced_count,
                       sum(f.won) AS won_count,
                       sum(f.won_amount) AS won_amount,
                       sum(f.quotations) AS quotation_count,
                       sum(f.orders) AS order_count,
                       sum(f.ordered) AS order_amount,
                       sum(f.margin) AS margin_amount,
                       CASE WHEN sum(f.orders) > 0
                            THEN sum(f.margin) / sum(f.orders)
                            ELSE 0 END AS margin_per_order,
                       sum(f.invoiced) AS invoiced_amount,
                       sum(f.paid) AS paid_amount
                  FROM facts f
                  LEFT JOIN res_company c ON c.id = f.company_id
                 GROUP BY f.month, f.user_id, f.team_id, f.company_id, c.currency_id
            )""").format(
                table=sql.Identifier(self._table),
                followup_month=sql.SQL(LOCAL_MONTH).format(sql.SQL("f.date")),
                meeting_month=sql.SQL(LOCAL_MONTH).format(sql.SQL("e.start")),
                created_month=sql.SQL(LOCAL_MONTH).format(
                    sql.SQL("COALESCE(o.date_conversion, o.create_date)")),
                won_month=sql.SQL(LOCAL_MONTH).format(sql.SQL("o.date_closed")),
                advanced_month=sql.SQL(LOCAL_MONTH).format(sql.SQL("h.date")),
                quotation_month=sql.SQL(LOCAL_MONTH).format(sql.SQL("so.date_order")),
                order_month=sql.SQL(LOCAL_MONTH).format(
                    sql.SQL("so.confirmation_date")),
                order_fx=sql.SQL(ORDER_FX),
                order_cost=sql.SQL(ORDER_COST),
                paid_share=sql.SQL(PAID_SHARE),
                invoice_filter=sql.SQL(INVOICE_FILTER))
        self.env.cr.execute(query)  # sql-safe: constant SQL pieces and identifiers

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None,
                   orderby=False, lazy=True):
        """A group's profit per deal is its margin over its number of orders."""
        groups = super(CrmRepPerformanceReport, self).read_group(
            domain, ratio_fields(fields, RATIOS), groupby, offset=offset,
            limit=limit, orderby=orderby, lazy=lazy)
        return apply_ratios(groups, fields, RATIOS)
