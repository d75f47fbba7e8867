from psycopg2 import sql

from odoo import api, fields, models, tools


class CrmPoolFairnessReport(models.Model):
    """One line per allocation from a pool (claim, assignment, distribution): who
    got which customer, and how long the new owner took to the first follow-up
    (time to first touch). Grouped by rep, it is the pool's fairness view."""

    _name = "crm.pool.fairness.report"
    _description = "Pool Allocation Fairness"
    _auto = False
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    pool_id = fields.Many2one("crm.pool", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    owner_id = fields.Many2one("res.users", readonly=True)
    action = fields.Selection(
        [("claim", "Claimed"), ("assign", "Assigned"), ("distribute", "Distributed")],
        readonly=True)
    first_touch = fields.Datetime("First Follow-up", readonly=True)
    hours_to_first_touch = fields.Float(readonly=True, group_operator="avg")
    touched = fields.Integer("Followed Up", readonly=True,
                             help="1 when the new owner has logged a follow-up.")
    allocations = fields.Integer(readonly=True)

    @api.model_cr
    def init(self):
        # after every model of the module has its table (their order is not fixed)
        self.pool.post_init(self._create_view)

    def _create_view(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(sql.SQL("""
            CREATE VIEW {} AS (
                SELECT g.id, g.date, g.pool_id, g.partner_id, g.owner_id, g.action,
                       t.first_touch,
                       EXTRACT(EPOCH FROM t.first_touch - g.date) / 3600.0
                           AS hours_to_first_touch,
                       (t.first_touch IS NOT NULL)::int AS touched,
                       1 AS allocations
                  FROM crm_pool_log g
                  LEFT JOIN LATERAL (
                      SELECT min(f.date) AS first_touch FROM crm_followup f
                       WHERE f.partner_id = g.partner_id AND f.user_id = g.owner_id
                         AND f.date >= g.date) t ON TRUE
                 WHERE g.action IN ('claim', 'assign', 'distribute')
            )""").format(sql.Identifier(self._table)))
