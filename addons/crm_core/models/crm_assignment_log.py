from psycopg2.extras import execute_values

from odoo import api, fields, models

from .crm_assignment_rule import TRIGGERS


class CrmAssignmentLog(models.Model):
    """The audit trail of lead assignment: which lead went to whom, by which rule,
    when, what triggered it and why (e.g. "round robin: next after 王强; 3/20 this
    week")."""

    _name = "crm.assignment.log"
    _description = "Lead Assignment Log"
    _order = "date desc, id desc"

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True,
                           readonly=True)
    lead_id = fields.Many2one("crm.lead", required=True, index=True,
                              ondelete="cascade", readonly=True)
    rule_id = fields.Many2one("crm.assignment.rule", index=True,
                              ondelete="set null", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", index=True, readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", index=True, readonly=True)
    trigger = fields.Selection(TRIGGERS, readonly=True)
    reason = fields.Char(readonly=True)

    @api.model
    def _log_many(self, rows, actor):
        """Insert many log lines in one statement. ``rows``: tuples (date, lead id,
        rule id, user id, team id, trigger, reason); ``actor``: who assigned."""
        if not rows:
            return
        now = fields.Datetime.now()
        execute_values(self.env.cr, """
            INSERT INTO crm_assignment_log (date, lead_id, rule_id, user_id, team_id,
                trigger, reason, create_uid, create_date, write_uid, write_date)
            VALUES %s
        """, [row + (actor, now, actor, now) for row in rows], page_size=len(rows))
        self.invalidate_cache()
        self.env["crm.lead"].invalidate_cache(["assignment_log_ids"])
