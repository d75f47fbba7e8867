from odoo import api, fields, models


class CrmPoolMember(models.Model):
    """A rep's standing in a pool: today's claims (for the daily cap). Its row is
    locked during a claim, so concurrent claims by one rep are serialized and the
    caps hold (lock, not check-then-write)."""

    _name = "crm.pool.member"
    _description = "Customer Pool Member"
    _order = "pool_id, user_id"

    pool_id = fields.Many2one("crm.pool", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", required=True, ondelete="cascade",
                              index=True)
    claims_today = fields.Integer(readonly=True)
    claims_date = fields.Date(readonly=True)

    _sql_constraints = [
        ("pool_user_uniq", "unique(pool_id, user_id)",
         "A user is a member of a pool once."),
    ]

    @api.model
    def _lock_for(self, pool, user):
        """The member row of ``user`` in ``pool``, created if missing, locked until
        the end of the transaction. Creation is an upsert so that two first claims
        at once do not collide on the unique key (PostgreSQL reports a serialization
        failure instead, which Odoo retries)."""
        self.env.cr.execute("""
            INSERT INTO crm_pool_member (pool_id, user_id, claims_today, create_uid,
                                         create_date, write_uid, write_date)
            VALUES (%(pool)s, %(user)s, 0, %(uid)s, now() at time zone 'UTC',
                    %(uid)s, now() at time zone 'UTC')
            ON CONFLICT (pool_id, user_id) DO NOTHING
        """, {"pool": pool.id, "user": user.id, "uid": self.env.uid})
        self.env.cr.execute(
            "SELECT id FROM crm_pool_member WHERE pool_id = %s AND user_id = %s "
            "FOR UPDATE", (pool.id, user.id))
        member = self.browse(self.env.cr.fetchone()[0])
        member.invalidate_cache()
        return member
