from psycopg2 import sql

from odoo import api, fields, models, tools


class CrmFunnelReport(models.Model):
    """The sales funnel (销售漏斗): one line per lead and stage it reached (its first
    entry into the stage, from the stage history). Summed by stage, the lines say
    how many leads reached the stage and with what expected revenue, how many went
    on to a later stage (the conversion rate is their share), how many were won or
    lost in the end, and the average days a lead spent in the stage. Salesperson,
    team and source are the lead's; the period is the month the lead entered the
    stage. Stages order as in the pipeline (sequence, name); each team's own stages
    appear with its leads."""

    _name = "crm.funnel.report"
    _description = "Sales Funnel"
    _auto = False
    _order = "date desc"
    _rec_name = "stage_id"

    lead_id = fields.Many2one("crm.lead", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    date = fields.Datetime("Entered Stage On", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    lead_type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")], "Type", readonly=True)
    nbr_reached = fields.Integer("Leads Reached", readonly=True)
    expected_revenue = fields.Float(readonly=True)
    nbr_advanced = fields.Integer(
        "Went to a Later Stage", readonly=True,
        help="Leads that entered a later stage of the pipeline after this one.")
    conversion_rate = fields.Float(
        "Conversion Rate (%)", readonly=True, group_operator="avg",
        help="Share of the leads that reached this stage and went on to a later "
             "one.")
    nbr_won = fields.Integer("Won", readonly=True)
    nbr_lost = fields.Integer("Lost", readonly=True)
    days_in_stage = fields.Float(
        "Average Days in Stage", readonly=True, group_operator="avg",
        digits=(16, 1),
        help="Days the leads spent in this stage before they left it (leads still "
             "in it do not count).")

    @api.model_cr
    def init(self):
        # after every model of the module has its table (their order is not fixed)
        self.pool.post_init(self._create_view)

    def _create_view(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(sql.SQL("""
            CREATE VIEW {} AS (
                WITH entries AS (
                    SELECT DISTINCT ON (h.lead_id, h.stage_to_id)
                           h.id, h.lead_id, h.stage_to_id AS stage_id, h.date
                      FROM crm_lead_stage_history h
                     ORDER BY h.lead_id, h.stage_to_id, h.date, h.id
                ), stays AS (
                    SELECT h.lead_id, h.stage_from_id AS stage_id,
                           sum(h.days_in_previous) AS days
                      FROM crm_lead_stage_history h
                     WHERE h.stage_from_id IS NOT NULL
                     GROUP BY h.lead_id, h.stage_from_id
                )
                SELECT e.id, e.lead_id, e.stage_id, e.date,
                       l.user_id, l.team_id, l.source_id, l.company_id,
                       l.type AS lead_type,
                       1 AS nbr_reached,
                       COALESCE(l.planned_revenue, 0.0) AS expected_revenue,
                       n.advanced AS nbr_advanced,
                       100.0 * n.advanced AS conversion_rate,
                       CASE WHEN l.active AND l.probability >= 100
                            THEN 1 ELSE 0 END AS nbr_won,
                       CASE WHEN NOT l.active AND l.probability = 0
                            THEN 1 ELSE 0 END AS nbr_lost,
                       st.days AS days_in_stage
                  FROM entries e
                  JOIN crm_lead l ON l.id = e.lead_id
                  JOIN crm_stage s ON s.id = e.stage_id
                  LEFT JOIN stays st
                         ON st.lead_id = e.lead_id AND st.stage_id = e.stage_id
                 CROSS JOIN LATERAL (
                     SELECT CASE WHEN EXISTS (
                         SELECT 1 FROM crm_lead_stage_history x
                           JOIN crm_stage xs ON xs.id = x.stage_to_id
                          WHERE x.lead_id = e.lead_id
                            AND (x.date, x.id) > (e.date, e.id)
                            AND (xs.sequence, xs.name, xs.id)
                                > (s.sequence, s.name, s.id))
                     THEN 1 ELSE 0 END AS advanced) n
                 WHERE l.crm_deleted_at IS NULL
            )""").format(sql.Identifier(self._table)))
