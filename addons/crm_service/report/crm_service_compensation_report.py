from psycopg2 import sql

from odoo import api, fields, models, tools

from ..models.crm_service_compensation_policy import COMPENSATION_TYPES

QUERY = """
    CREATE VIEW {table} AS (
        SELECT c.id, c.id AS compensation_id, c.ticket_id, c.company_id,
               co.currency_id, c.approved_date AS date, c.compensation_type,
               c.state, c.product_id, c.partner_id, c.level_id,
               t.root_cause_id, t.team_id, t.category_id,
               c.amount, 1 AS nbr
          FROM crm_service_compensation c
          JOIN crm_service_ticket t ON t.id = c.ticket_id
          JOIN res_company co ON co.id = c.company_id
         WHERE c.state IN ('approved', 'done') AND t.crm_deleted_at IS NULL
    )"""


class CrmServiceCompensationReport(models.Model):
    """Compensation Cost: what approved and completed compensations cost, by
    product, root cause, complaint level, team and month (of approval)."""

    _name = "crm.service.compensation.report"
    _description = "Compensation Cost"
    _auto = False
    _order = "date desc"
    _rec_name = "compensation_id"

    compensation_id = fields.Many2one("crm.service.compensation",
                                      readonly=True)
    ticket_id = fields.Many2one("crm.service.ticket", "Complaint", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Datetime("Approved on", readonly=True)
    compensation_type = fields.Selection(COMPENSATION_TYPES, "Type", readonly=True)
    state = fields.Selection(
        [("approved", "Approved"), ("done", "Done")], "Status", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    level_id = fields.Many2one("crm.service.complaint.level", "Complaint Level",
                               readonly=True)
    root_cause_id = fields.Many2one("crm.dictionary.item",
                                    readonly=True)
    team_id = fields.Many2one("crm.service.team", "Service Team", readonly=True)
    category_id = fields.Many2one("crm.service.category",
                                  readonly=True)
    amount = fields.Monetary("Cost", readonly=True)
    nbr = fields.Integer("Compensations", readonly=True)

    @api.model_cr
    def init(self):
        # after every model of the module has its table (their order is not fixed)
        self.pool.post_init(self._create_view)

    def _create_view(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = sql.SQL(QUERY).format(table=sql.Identifier(self._table))
        self.env.cr.execute(query)  # sql-safe: constant SQL and an identifier
