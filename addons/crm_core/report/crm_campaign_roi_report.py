from psycopg2 import sql

from odoo import api, fields, models, tools

from ..lib.report_ratios import apply_ratios, ratio_fields

RATIOS = {"roi": ("net_return", "cost", 100.0),
          "cost_per_lead": ("cost", "lead_count", 1.0)}

ATTRIBUTIONS = [("last_touch", "Last Touch"), ("first_touch", "First Touch")]

# The campaign an order or a lead is credited to. Last touch: the campaign it
# carries now. First touch: the first campaign of the lead (its opportunity for
# an order), else the customer's first campaign for orders made since it reached
# the customer, else the one it carries.
ORDER_CAMPAIGN = """
    CASE WHEN a.code = 'last_touch' THEN so.campaign_id
         ELSE COALESCE(ol.first_campaign_id,
                       CASE WHEN so.date_order >= cp.first_campaign_date
                            THEN cp.first_campaign_id END,
                       so.campaign_id)
    END"""
LEAD_CAMPAIGN = """
    CASE WHEN a.code = 'last_touch' THEN l.campaign_id
         ELSE COALESCE(l.first_campaign_id, l.campaign_id) END"""


class CrmCampaignRoiReport(models.Model):
    """Campaign ROI down to cash (B7, §3-10): per campaign, attribution and month,
    the cost, the leads, opportunities and won deals, the quotations and orders,
    and the revenue invoiced and paid.

    - Cost: posted vendor bills and their credit notes, untaxed in the company
      currency, by bill date; a bill line tagged with a campaign counts for it,
      else the bill's own campaign.
    - Leads and opportunities by creation date (lost ones too); won: closed at
      100 %.
    - Quotations (draft or sent) by order date; orders (confirmed or locked) by
      confirmation date.
    - Revenue of the orders, by invoice date, with crm.finance's rules: the posted
      customer invoices made from the orders' lines and their credit notes (an
      ordinary credit note takes from each order its share of the invoice it
      credits), untaxed in the company currency; paid: each document's amount
      times the share of it already paid. A credit note lowers the invoiced
      revenue when posted and the paid revenue when the money goes back (or when
      it settles the invoice it credits).
    - ROI = (paid revenue - cost) / cost; a group's ROI and cost per lead are
      the ratios of its sums.

    Every fact appears once per attribution: filter on one (the search view
    does) before adding up."""

    _name = "crm.campaign.roi.report"
    _description = "Campaign ROI"
    _auto = False
    _order = "date desc, campaign_id"

    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    attribution = fields.Selection(ATTRIBUTIONS, readonly=True)
    date = fields.Date("Month", readonly=True)
    user_id = fields.Many2one("res.users", "Campaign Owner", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    campaign_state = fields.Selection(
        [("draft", "Draft"), ("planned", "Planned"), ("running", "Running"),
         ("done", "Done"), ("cancelled", "Cancelled")], readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    cost = fields.Monetary(readonly=True)
    lead_count = fields.Integer("Leads", readonly=True)
    opportunity_count = fields.Integer("Opportunities", readonly=True)
    won_count = fields.Integer("Won", readonly=True)
    quotation_count = fields.Integer("Quotations", readonly=True)
    order_count = fields.Integer("Orders", readonly=True)
    revenue_invoiced = fields.Monetary("Invoiced Revenue", readonly=True)
    revenue_paid = fields.Monetary("Paid Revenue", readonly=True)
    net_return = fields.Monetary(
        readonly=True, help="Paid revenue less cost.")
    roi = fields.Float("ROI (%)", readonly=True, group_operator="avg",
                       help="(Paid revenue - cost) / cost x 100.")
    cost_per_lead = fields.Monetary(readonly=True, group_operator="avg")

    @api.model_cr
    def init(self):
        # after every model of the module has its table (their order is not fixed)
        self.pool.post_init(self._create_view)

    def _create_view(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = sql.SQL("""
            CREATE VIEW {table} AS (
                WITH attribution(code, rank) AS (
                    VALUES ('last_touch', 0), ('first_touch', 1)
                ),
                orders AS (
                    SELECT so.id AS order_id, a.code AS attribution,
                           {order_campaign} AS campaign_id,
                           so.state, so.date_order, so.confirmation_date,
                           so.company_id
                      FROM sale_order so
                      CROSS JOIN attribution a
                      LEFT JOIN crm_lead ol ON ol.id = so.opportunity_id
                      JOIN res_partner p ON p.id = so.partner_id
                      JOIN res_partner cp ON cp.id = p.commercial_partner_id
                ),
                campaign_orders AS (
                    SELECT DISTINCT order_id FROM orders WHERE campaign_id IS NOT NULL
                ),
                order_lines AS (
                    SELECT DISTINCT sol.order_id, rel.invoice_line_id AS line_id
                      FROM campaign_orders co
                      JOIN sale_order_line sol ON sol.order_id = co.order_id
                      JOIN sale_order_line_invoice_rel rel
                        ON rel.order_line_id = sol.id
                ),
                shares AS (
                    SELECT ol.order_id, inv.id AS invoice_id, inv.type,
                           SUM(il.price_subtotal_signed) AS untaxed
                      FROM order_lines ol
                      JOIN account_invoice_line il ON il.id = ol.line_id
                      JOIN account_invoice inv ON inv.id = il.invoice_id
                     WHERE inv.state IN ('open', 'paid')
                       AND inv.type IN ('out_invoice', 'out_refund')
                     GROUP BY ol.order_id, inv.id, inv.type
                ),
                documents AS (
                    SELECT s.order_id, s.invoice_id, s.untaxed FROM shares s
                    UNION ALL
                    SELECT s.order_id, cn.id,
                           cn.amount_untaxed_signed * s.untaxed
                               / NULLIF(inv.amount_untaxed_signed, 0)
                      FROM shares s
                      JOIN account_invoice inv ON inv.id = s.invoice_id
                      JOIN account_invoice cn ON cn.refund_invoice_id = inv.id
                     WHERE s.type = 'out_invoice' AND cn.type = 'out_refund'
                       AND cn.state IN ('open', 'paid')
                       AND NOT EXISTS (
                           SELECT 1 FROM account_invoice_line cl
                             JOIN sale_order_line_invoice_rel cr
                               ON cr.invoice_line_id = cl.id
                            WHERE cl.invoice_id = cn.id)
                ),
                facts AS (
                    -- cost: vendor bills and their credit notes
                    SELECT COALESCE(il.campaign_id, inv.campaign_id) AS campaign_id,
                           a.code AS attribution, inv.date_invoice AS day,
                           inv.company_id,
                           il.price_subtotal_signed AS cost, 0 AS leads,
                           0 AS opportunities, 0 AS won, 0 AS quotations,
                           0 AS orders, 0.0 AS invoiced, 0.0 AS paid
                      FROM account_invoice_line il
                      JOIN account_invoice inv ON inv.id = il.invoice_id
                      CROSS JOIN attribution a
                     WHERE inv.type IN ('in_invoice', 'in_refund')
                       AND inv.state IN ('open', 'paid')
                       AND COALESCE(il.campaign_id, inv.campaign_id) IS NOT NULL
                    UNION ALL
                    -- leads, opportunities, won deals
                    SELECT {lead_campaign}, a.code, l.create_date::date,
                           l.company_id, 0.0, 1,
                           CASE WHEN l.type = 'opportunity' THEN 1 ELSE 0 END,
                           CASE WHEN l.type = 'opportunity' AND l.active
                                 AND (l.probability >= 100
                                      OR COALESCE(s.probability, 0) >= 100)
                                THEN 1 ELSE 0 END,
                           0, 0, 0.0, 0.0
                      FROM crm_lead l
                      CROSS JOIN attribution a
                      LEFT JOIN crm_stage s ON s.id = l.stage_id
                     WHERE {lead_campaign} IS NOT NULL
                    UNION ALL
                    -- quotations and orders
                    SELECT o.campaign_id, o.attribution,
                           COALESCE(o.confirmation_date, o.date_order)::date,
                           o.company_id, 0.0, 0, 0, 0,
                           CASE WHEN o.state IN ('draft', 'sent') THEN 1 ELSE 0 END,
                           CASE WHEN o.state IN ('sale', 'done') THEN 1 ELSE 0 END,
                           0.0, 0.0
                      FROM orders o
                     WHERE o.campaign_id IS NOT NULL
                       AND o.state IN ('draft', 'sent', 'sale', 'done')
                    UNION ALL
                    -- revenue invoiced and paid
                    SELECT o.campaign_id, o.attribution, doc.date_invoice,
                           doc.company_id, 0.0, 0, 0, 0, 0, 0,
                           d.untaxed,
                           d.untaxed * CASE WHEN doc.amount_total = 0 THEN 1.0
                                            ELSE 1.0 - doc.residual / doc.amount_total
                                       END
                      FROM documents d
                      JOIN account_invoice doc ON doc.id = d.invoice_id
                      JOIN orders o ON o.order_id = d.order_id
                     WHERE o.campaign_id IS NOT NULL
                )
                SELECT (f.campaign_id::bigint * 2 + att.rank) * 100000
                           + COALESCE(EXTRACT(year FROM f.month)::int * 12
                                      + EXTRACT(month FROM f.month)::int - 1, 0) AS id,
                       f.campaign_id, f.attribution, f.month AS date,
                       c.user_id, c.team_id, c.state AS campaign_state,
                       c.company_id, co.currency_id,
                       SUM(f.cost) AS cost, SUM(f.leads) AS lead_count,
                       SUM(f.opportunities) AS opportunity_count,
                       SUM(f.won) AS won_count,
                       SUM(f.quotations) AS quotation_count,
                       SUM(f.orders) AS order_count,
                       SUM(f.invoiced) AS revenue_invoiced,
                       SUM(f.paid) AS revenue_paid,
                       SUM(f.paid) - SUM(f.cost) AS net_return,
                       CASE WHEN SUM(f.cost) > 0
                            THEN 100.0 * (SUM(f.paid) - SUM(f.cost)) / SUM(f.cost)
                            ELSE 0.0 END AS roi,
                       CASE WHEN SUM(f.leads) > 0 THEN SUM(f.cost) / SUM(f.leads)
                            ELSE 0.0 END AS cost_per_lead
                  FROM (SELECT facts.*, date_trunc('month', facts.day)::date AS month
                          FROM facts) f
                  JOIN attribution att ON att.code = f.attribution
                  JOIN utm_campaign c ON c.id = f.campaign_id
                  LEFT JOIN res_company co ON co.id = c.company_id
                 GROUP BY f.campaign_id, f.attribution, att.rank, f.month,
                          c.user_id, c.team_id, c.state, c.company_id, co.currency_id
            )
        """).format(
            table=sql.Identifier(self._table),
            order_campaign=sql.SQL(ORDER_CAMPAIGN),
            lead_campaign=sql.SQL(LEAD_CAMPAIGN),
        )
        self.env.cr.execute(query)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None,
                   orderby=False, lazy=True):
        """A group's ROI and cost per lead are the ratios of its sums."""
        groups = super(CrmCampaignRoiReport, self).read_group(
            domain, ratio_fields(fields, RATIOS), groupby, offset=offset,
            limit=limit, orderby=orderby, lazy=lazy)
        return apply_ratios(groups, fields, RATIOS)
