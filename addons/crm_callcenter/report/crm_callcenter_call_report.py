from psycopg2 import sql

from odoo import api, fields, models, tools
from odoo.addons.crm_core.lib.report_ratios import apply_ratios, ratio_fields

from ..models.crm_callcenter_call import DIRECTIONS, DISPOSITIONS

#: ratio -> (numerator, denominator, factor): a group's ratio is the ratio of its
#: sums, never the sum or average of its rows' ratios
RATIOS = {
    "avg_talk_seconds": ("talk_seconds", "answered_count", 1.0),
    "avg_wait_seconds": ("answered_wait_seconds", "inbound_answered_count", 1.0),
    "abandon_rate": ("abandoned_count", "offered_count", 100.0),
    "service_level": ("in_time_count", "offered_count", 100.0),
    "effective_rate": ("effective_count", "answered_count", 100.0),
    "fcr_rate": ("fcr_count", "fcr_base_count", 100.0),
}
#: days within which a customer calling again means the first call did not
#: resolve their matter
REPEAT_DAYS = 7


class CrmCallcenterCallReport(models.Model):
    """Call statistics (统计报表), one row per call, to group by agent, queue, day
    (in the phone system's timezone) and direction:

    - calls in and out, answered, abandoned in a queue;
    - effective calls: answered and talked longer than the phone system's
      threshold (30 s by default);
    - talk time in total and on average per answered call; average wait of the
      answered inbound calls (speed of answer);
    - abandonment rate = abandoned / offered, service level = inbound calls
      answered within the queue's target (20 s without a queue) / offered, where
      offered = inbound calls answered or abandoned;
    - first-contact resolution = answered inbound calls of a known customer who
      did not call again within 7 days / such calls.
    """

    _name = "crm.callcenter.call.report"
    _description = "Call Statistics"
    _auto = False
    _order = "date desc"

    date = fields.Date("Day", readonly=True)
    start_date = fields.Datetime("Started", readonly=True)
    call_id = fields.Many2one("crm.callcenter.call", readonly=True)
    connection_id = fields.Many2one("crm.callcenter.connection", "Phone System",
                                    readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    agent_id = fields.Many2one("crm.callcenter.agent", readonly=True)
    user_id = fields.Many2one("res.users", "Agent User", readonly=True)
    queue_id = fields.Many2one("crm.callcenter.queue", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    direction = fields.Selection(DIRECTIONS, readonly=True)
    disposition = fields.Selection(DISPOSITIONS, readonly=True)
    call_count = fields.Integer("Calls", readonly=True)
    inbound_count = fields.Integer("Inbound Calls", readonly=True)
    outbound_count = fields.Integer("Outbound Calls", readonly=True)
    answered_count = fields.Integer("Answered", readonly=True)
    abandoned_count = fields.Integer("Abandoned", readonly=True)
    inbound_answered_count = fields.Integer("Inbound Answered", readonly=True)
    offered_count = fields.Integer("Offered", readonly=True,
                                   help="Inbound calls answered or abandoned.")
    effective_count = fields.Integer(
        "Effective Calls", readonly=True,
        help="Answered calls that lasted longer than the phone system's effective "
             "call threshold.")
    in_time_count = fields.Integer("Answered in Time", readonly=True)
    talk_seconds = fields.Integer("Talk Time (s)", readonly=True)
    wait_seconds = fields.Integer("Wait Time (s)", readonly=True)
    answered_wait_seconds = fields.Integer(
        "Wait before Answer (s)", readonly=True,
        help="The wait of the inbound calls that were answered.")
    fcr_base_count = fields.Integer("Resolvable Calls", readonly=True)
    fcr_count = fields.Integer("Resolved at First Contact", readonly=True)
    avg_talk_seconds = fields.Float("Average Talk (s)", readonly=True,
                                    group_operator="avg")
    avg_wait_seconds = fields.Float("Average Speed of Answer (s)", readonly=True,
                                    group_operator="avg")
    abandon_rate = fields.Float("Abandonment Rate (%)", readonly=True,
                                group_operator="avg")
    service_level = fields.Float("Service Level (%)", readonly=True,
                                 group_operator="avg")
    effective_rate = fields.Float("Effective Rate (%)", readonly=True,
                                  group_operator="avg")
    fcr_rate = fields.Float("First-contact Resolution (%)", readonly=True,
                            group_operator="avg")

    @api.model_cr
    def init(self):
        # after every model of the module has its columns (their order is not fixed)
        self.pool.post_init(self._create_view)

    def _create_view(self):
        self.env.cr.execute("""
            SELECT 1 FROM pg_indexes
             WHERE indexname = 'crm_callcenter_call_partner_start_idx'
        """)
        if not self.env.cr.fetchone():
            self.env.cr.execute("""
                CREATE INDEX crm_callcenter_call_partner_start_idx
                    ON crm_callcenter_call (partner_id, start_date)
                 WHERE partner_id IS NOT NULL AND direction = 'inbound'
            """)
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = sql.SQL("""
            CREATE VIEW {table} AS (
                WITH calls AS (
                    SELECT c.*, COALESCE(z.name, 'UTC') AS tz,
                           COALESCE(q.service_level_seconds, 20) AS target,
                           COALESCE(n.effective_call_seconds, 30) AS effective,
                           COALESCE(c.start_date, c.create_date) AS started
                      FROM crm_callcenter_call c
                      JOIN crm_callcenter_connection n ON n.id = c.connection_id
                      LEFT JOIN crm_callcenter_queue q ON q.id = c.queue_id
                      LEFT JOIN pg_timezone_names z ON z.name = n.timezone
                     WHERE c.crm_deleted_at IS NULL  -- the recycle bin's
                )
                SELECT c.id, c.id AS call_id,
                       timezone(c.tz, timezone('UTC', c.started))::date AS date,
                       c.started AS start_date,
                       c.connection_id, c.company_id, c.agent_id, c.user_id,
                       c.queue_id, c.partner_id, c.direction, c.disposition,
                       1 AS call_count,
                       (c.direction = 'inbound')::int AS inbound_count,
                       (c.direction = 'outbound')::int AS outbound_count,
                       (c.disposition = 'answered')::int AS answered_count,
                       (c.disposition = 'abandoned')::int AS abandoned_count,
                       (c.direction = 'inbound' AND c.disposition = 'answered')::int
                           AS inbound_answered_count,
                       (c.direction = 'inbound'
                        AND c.disposition IN ('answered', 'abandoned'))::int
                           AS offered_count,
                       (c.disposition = 'answered'
                        AND COALESCE(c.talk_seconds, 0) > c.effective)::int
                           AS effective_count,
                       (c.direction = 'inbound' AND c.disposition = 'answered'
                        AND COALESCE(c.wait_seconds, 0) <= c.target)::int
                           AS in_time_count,
                       COALESCE(c.talk_seconds, 0) AS talk_seconds,
                       COALESCE(c.wait_seconds, 0) AS wait_seconds,
                       CASE WHEN c.direction = 'inbound'
                             AND c.disposition = 'answered'
                            THEN COALESCE(c.wait_seconds, 0) ELSE 0 END
                           AS answered_wait_seconds,
                       fcr.base AS fcr_base_count,
                       fcr.resolved AS fcr_count,
                       CASE WHEN c.disposition = 'answered'
                            THEN COALESCE(c.talk_seconds, 0) ELSE 0 END::float
                           AS avg_talk_seconds,
                       CASE WHEN c.direction = 'inbound'
                             AND c.disposition = 'answered'
                            THEN COALESCE(c.wait_seconds, 0) ELSE 0 END::float
                           AS avg_wait_seconds,
                       CASE WHEN c.disposition = 'abandoned' THEN 100.0
                            ELSE 0.0 END AS abandon_rate,
                       CASE WHEN c.direction = 'inbound'
                             AND c.disposition = 'answered'
                             AND COALESCE(c.wait_seconds, 0) <= c.target
                            THEN 100.0 ELSE 0.0 END AS service_level,
                       CASE WHEN c.disposition = 'answered'
                             AND COALESCE(c.talk_seconds, 0) > c.effective
                            THEN 100.0 ELSE 0.0 END AS effective_rate,
                       100.0 * fcr.resolved AS fcr_rate
                  FROM calls c
                  LEFT JOIN LATERAL (
                      SELECT base, CASE WHEN base = 1 AND NOT EXISTS (
                                 SELECT 1 FROM crm_callcenter_call again
                                  WHERE again.partner_id = c.partner_id
                                    AND again.direction = 'inbound'
                                    AND again.start_date > c.started
                                    AND again.start_date <= c.started
                                        + make_interval(days => {days})
                                    AND again.id != c.id
                                    AND again.crm_deleted_at IS NULL)
                             THEN 1 ELSE 0 END AS resolved
                        FROM (SELECT (c.direction = 'inbound'
                                      AND c.disposition = 'answered'
                                      AND c.partner_id IS NOT NULL)::int AS base) b
                  ) fcr ON true
            )
        """).format(table=sql.Identifier(self._table),
                    days=sql.Literal(REPEAT_DAYS))
        self.env.cr.execute(query)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None,
                   orderby=False, lazy=True):
        """A group's rates and averages are ratios of its sums (RATIOS)."""
        groups = super(CrmCallcenterCallReport, self).read_group(
            domain, ratio_fields(fields, RATIOS), groupby, offset=offset,
            limit=limit, orderby=orderby, lazy=lazy)
        return apply_ratios(groups, fields, RATIOS)
