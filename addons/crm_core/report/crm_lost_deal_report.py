from psycopg2 import sql

from odoo import api, fields, models, tools


class CrmLostDealReport(models.Model):
    """Lost deals (丢单分析): one line per lead marked lost, with the loss reason
    and the competitor who won it (dictionaries), the stage it was lost in and the
    expected revenue that went with it."""

    _name = "crm.lost.deal.report"
    _description = "Lost Deals"
    _auto = False
    _order = "date desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", readonly=True)
    date = fields.Datetime("Lost On", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    stage_id = fields.Many2one("crm.stage", "Lost in Stage", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    lead_type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")], "Type", readonly=True)
    lost_reason_id = fields.Many2one("crm.dictionary.item", "Loss Reason",
                                     readonly=True)
    competitor_id = fields.Many2one("crm.dictionary.item", "Won by Competitor",
                                    readonly=True)
    nbr_lost = fields.Integer("Deals Lost", readonly=True)
    lost_revenue = fields.Float(
        readonly=True, help="The expected revenue of the lost deals.")

    @api.model_cr
    def init(self):
        self.env.cr.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = 'crm_lead_lost_date_idx'")
        if not self.env.cr.fetchone():
            # the lost deals are a small part of all leads: a partial index
            self.env.cr.execute(
                "CREATE INDEX crm_lead_lost_date_idx ON crm_lead (date_closed) "
                "WHERE NOT active AND probability = 0")
        self.pool.post_init(self._create_view)

    def _create_view(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(sql.SQL("""
            CREATE VIEW {} AS (
                SELECT l.id, l.id AS lead_id,
                       COALESCE(l.date_closed, l.write_date) AS date,
                       l.user_id, l.team_id, l.stage_id, l.source_id, l.partner_id,
                       l.company_id, l.type AS lead_type, l.lost_reason_id,
                       l.competitor_id, 1 AS nbr_lost,
                       COALESCE(l.planned_revenue, 0.0) AS lost_revenue
                  FROM crm_lead l
                 WHERE NOT l.active AND l.probability = 0
                   AND l.crm_deleted_at IS NULL
            )""").format(sql.Identifier(self._table)))
