from psycopg2.extras import execute_values

from odoo import api, fields, models

ACTIONS = [
    ("claim", "Claimed"),
    ("release", "Released"),
    ("assign", "Assigned"),
    ("distribute", "Distributed"),
    ("recycle", "Recycled"),
    ("warn", "Recycle Warning"),
]


class CrmPoolLog(models.Model):
    """The audit trail of a pool: who got which customer, when, and why."""

    _name = "crm.pool.log"
    _description = "Customer Pool Log"
    _order = "date desc, id desc"
    _log_access = True

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True,
                           readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True,
                                 ondelete="cascade", index=True, readonly=True)
    pool_id = fields.Many2one("crm.pool", required=True, ondelete="cascade",
                              index=True, readonly=True)
    action = fields.Selection(ACTIONS, required=True, index=True, readonly=True)
    user_id = fields.Many2one("res.users", "Done By", readonly=True,
                              default=lambda self: self.env.user)
    owner_id = fields.Many2one("res.users", "New Owner", index=True, readonly=True)
    previous_owner_id = fields.Many2one("res.users", index=True, readonly=True)
    reason = fields.Char(readonly=True)

    @api.model
    def _log_many(self, rows):
        """Insert many log lines in one statement. ``rows``: dicts with partner_id,
        pool_id, action, owner_id, previous_owner_id, reason."""
        if not rows:
            return
        uid, now = self.env.uid, fields.Datetime.now()
        execute_values(self.env.cr, """
            INSERT INTO crm_pool_log (date, partner_id, pool_id, action, user_id,
                owner_id, previous_owner_id, reason, create_uid, create_date,
                write_uid, write_date)
            VALUES %s
        """, [(now, r["partner_id"], r["pool_id"], r["action"], uid, r["owner_id"],
               r["previous_owner_id"], r["reason"], uid, now, uid, now)
              for r in rows])
        self.invalidate_cache()
