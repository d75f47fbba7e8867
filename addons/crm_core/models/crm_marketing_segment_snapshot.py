from psycopg2 import sql

from odoo import api, fields, models

# a Chinese mobile number in E.164: a phone that can take an SMS
CN_MOBILE = r"^\+861[3-9][0-9]{9}$"


class CrmMarketingSegmentSnapshot(models.Model):
    """The members of a segment frozen at one moment (for a send), so that who
    was targeted can be checked later whatever changed since."""

    _name = "crm.marketing.segment.snapshot"
    _description = "Segment Snapshot"
    _order = "date desc, id desc"

    segment_id = fields.Many2one("crm.marketing.segment", required=True,
                                 index=True, ondelete="cascade")
    name = fields.Char(compute="_compute_name")
    date = fields.Datetime(required=True, readonly=True,
                           default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", "Taken by", readonly=True,
                              default=lambda self: self.env.user)
    domain = fields.Text(readonly=True,
                         help="The conditions on contacts the members matched.")
    member_ids = fields.One2many("crm.marketing.segment.member", "snapshot_id",
                                 "Members", readonly=True)
    member_count = fields.Integer("Members", readonly=True)

    @api.multi
    @api.depends("segment_id.name", "date")
    def _compute_name(self):
        for snapshot in self:
            snapshot.name = "%s %s" % (snapshot.segment_id.name, snapshot.date or "")

    @api.multi
    def _fill(self, domain):
        """Insert the partners matching ``domain`` that the user may read as
        members, in one INSERT ... SELECT (the ORM builds the clauses)."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        query = Partner._where_calc(domain)
        Partner._apply_ir_rules(query, "read")
        from_clause, where_clause, params = query.get_sql()
        statement = sql.SQL("""
            INSERT INTO crm_marketing_segment_member
                   (snapshot_id, partner_id, email, mobile,
                    create_uid, create_date, write_uid, write_date)
            SELECT %s, "res_partner".id,
                   NULLIF(TRIM("res_partner".email), ''),
                   COALESCE("res_partner".mobile_sanitized,
                            CASE WHEN "res_partner".phone_sanitized ~ {mobile}
                                 THEN "res_partner".phone_sanitized END),
                   %s, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC'
              FROM {tables}
             WHERE {where}
             ORDER BY "res_partner".id
        """).format(  # sql-safe: FROM and WHERE clauses built by the ORM
            mobile=sql.Literal(CN_MOBILE), tables=sql.SQL(from_clause),
            where=sql.SQL(where_clause or "TRUE"))
        self.env.cr.execute(
            statement, [self.id, self.env.uid, self.env.uid] + list(params))
        count = self.env.cr.rowcount
        self.write({"member_count": count})
        self.member_ids.invalidate_cache()
        return count
