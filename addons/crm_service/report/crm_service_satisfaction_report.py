from psycopg2 import sql

from odoo import api, fields, models, tools

from ..models.crm_service_ticket import TICKET_TYPES

QUERY = """
    CREATE VIEW {table} AS (
        SELECT v.id, v.id AS visit_id, v.ticket_id, v.company_id, v.user_id,
               v.partner_id, t.team_id, t.category_id, t.product_id,
               t.ticket_type, v.done_date AS date,
               v.satisfaction::integer AS satisfaction,
               CASE v.would_recommend WHEN 'yes' THEN 100.0
                                      WHEN 'no' THEN 0.0 END AS recommend_pct,
               CASE v.would_buy_again WHEN 'yes' THEN 100.0
                                      WHEN 'no' THEN 0.0 END AS buy_again_pct,
               CASE WHEN v.low_score THEN 1 ELSE 0 END AS low_score_count,
               1 AS nbr
          FROM crm_service_visit v
          JOIN crm_service_ticket t ON t.id = v.ticket_id
         WHERE v.state = 'done' AND v.satisfaction IS NOT NULL
           AND t.crm_deleted_at IS NULL
    )"""


class CrmServiceSatisfactionReport(models.Model):
    """Satisfaction and loyalty: for completed return visits, the average score
    (1-5), the share of answers that would recommend us and would buy again
    (unanswered questions left out), by team, category, product and month."""

    _name = "crm.service.satisfaction.report"
    _description = "Satisfaction and Loyalty"
    _auto = False
    _order = "date desc"
    _rec_name = "visit_id"

    visit_id = fields.Many2one("crm.service.visit", "Return Visit", readonly=True)
    ticket_id = fields.Many2one("crm.service.ticket", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", "Visitor", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    team_id = fields.Many2one("crm.service.team", "Service Team", readonly=True)
    category_id = fields.Many2one("crm.service.category",
                                  readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    ticket_type = fields.Selection(TICKET_TYPES, readonly=True)
    date = fields.Datetime("Visited on", readonly=True)
    satisfaction = fields.Float("Average Satisfaction", readonly=True,
                                group_operator="avg", digits=(16, 2))
    recommend_pct = fields.Float("Would Recommend (%)", readonly=True,
                                 group_operator="avg", digits=(16, 1))
    buy_again_pct = fields.Float("Would Buy Again (%)", readonly=True,
                                 group_operator="avg", digits=(16, 1))
    low_score_count = fields.Integer("Low Scores", readonly=True)
    nbr = fields.Integer("Visits", readonly=True)

    @api.model_cr
    def init(self):
        # after every model of the module has its table (their order is not fixed)
        self.pool.post_init(self._create_view)

    def _create_view(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = sql.SQL(QUERY).format(table=sql.Identifier(self._table))
        self.env.cr.execute(query)  # sql-safe: constant SQL and an identifier
