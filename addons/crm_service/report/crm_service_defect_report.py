from psycopg2 import sql

from odoo import api, fields, models, tools


class CrmServiceDefectReport(models.Model):
    """Defect Pareto (柏拉图): resolved tickets counted by product and by root
    cause, largest first, with each line's share and the cumulative share of the
    lines before it and itself (window functions). The "vital few" are the
    lines that make up the first 80%."""

    _name = "crm.service.defect.report"
    _description = "Defect Pareto"
    _auto = False
    _order = "dimension, company_id, rank"

    dimension = fields.Selection(
        [("product", "By Product"), ("root_cause", "By Root Cause")],
        readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    root_cause_id = fields.Many2one("crm.dictionary.item", readonly=True)
    rank = fields.Integer(readonly=True, group_operator="min")
    ticket_count = fields.Integer("Tickets", readonly=True)
    percent = fields.Float("Share (%)", readonly=True)
    cumulative_percent = fields.Float(
        "Cumulative (%)", readonly=True, group_operator="max",
        help="The share of this line and of every larger one.")
    vital_few = fields.Boolean(
        readonly=True,
        help="The largest lines that together make up the first 80% of the "
             "tickets.")

    @api.model_cr
    def init(self):
        # after every model of the module has its table (their order is not fixed)
        self.pool.post_init(self._create_view)

    def _create_view(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(sql.SQL("""
            CREATE VIEW {} AS (
                WITH done AS (
                    SELECT company_id, product_id, root_cause_id
                      FROM crm_service_ticket
                     WHERE state IN ('resolved', 'visit', 'closed')
                       AND crm_deleted_at IS NULL
                ), counts AS (
                    SELECT 'product'::varchar AS dimension, company_id, product_id,
                           NULL::integer AS root_cause_id, count(*) AS tickets
                      FROM done GROUP BY company_id, product_id
                    UNION ALL
                    SELECT 'root_cause'::varchar, company_id, NULL::integer,
                           root_cause_id, count(*)
                      FROM done GROUP BY company_id, root_cause_id
                ), ranked AS (
                    SELECT c.*,
                           row_number() OVER pareto AS rank,
                           sum(tickets) OVER (pareto ROWS BETWEEN UNBOUNDED PRECEDING
                                              AND CURRENT ROW) AS running,
                           sum(tickets) OVER (PARTITION BY dimension, company_id)
                               AS total
                      FROM counts c
                    WINDOW pareto AS (
                        PARTITION BY dimension, company_id
                        ORDER BY tickets DESC,
                                 coalesce(product_id, root_cause_id) NULLS LAST)
                )
                SELECT row_number() OVER (ORDER BY dimension, company_id, rank) AS id,
                       dimension, company_id, product_id, root_cause_id,
                       rank::integer AS rank,
                       tickets::integer AS ticket_count,
                       round(100.0 * tickets / total, 2)::float AS percent,
                       round(100.0 * running / total, 2)::float AS cumulative_percent,
                       (running - tickets) < 0.8 * total AS vital_few
                  FROM ranked
            )""").format(sql.Identifier(self._table)))
