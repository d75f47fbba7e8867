from psycopg2 import sql

from odoo import api, fields, models, tools

from ..lib.report_ratios import apply_ratios, ratio_fields

RATIOS = {"delivery_rate": ("delivered_count", "message_count", 100.0),
          "open_rate": ("opened_count", "delivered_count", 100.0),
          "response_rate": ("replied_count", "delivered_count", 100.0)}


class CrmMarketingMessageReport(models.Model):
    """Messaging statistics (B8): e-mail and SMS by channel, campaign, employee
    and day. E-mail: every message of Odoo's mass mailings (ours and others),
    credited to whoever made the mailing; SMS: every outbound message, credited
    to whoever queued it; excluded: the recipients a send or an SMS left out
    (no address, no consent)."""

    _name = "crm.marketing.message.report"
    _description = "Messaging Statistics"
    _auto = False
    _order = "date desc"

    date = fields.Date("Day", readonly=True)
    channel = fields.Selection([("email", "E-mail"), ("sms", "SMS")], readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    user_id = fields.Many2one("res.users", "Employee", readonly=True)
    message_count = fields.Integer("Messages", readonly=True)
    sent_count = fields.Integer("Sent", readonly=True)
    delivered_count = fields.Integer("Delivered", readonly=True)
    opened_count = fields.Integer("Opened", readonly=True)
    clicked_count = fields.Integer("Clicked", readonly=True)
    replied_count = fields.Integer("Replied", readonly=True)
    failed_count = fields.Integer("Failed", readonly=True)
    excluded_count = fields.Integer("Excluded", readonly=True)
    delivery_rate = fields.Float("Delivery Rate (%)", readonly=True,
                                 group_operator="avg")
    open_rate = fields.Float("Open Rate (%)", readonly=True, group_operator="avg")
    response_rate = fields.Float("Response Rate (%)", readonly=True,
                                 group_operator="avg")

    @api.model_cr
    def init(self):
        self.pool.post_init(self._create_view)

    def _create_view(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(sql.SQL("""
            CREATE VIEW {table} AS (
                WITH facts AS (
                    SELECT 'email' AS channel, mm.campaign_id, mm.create_uid AS user_id,
                           COALESCE(s.sent, s.scheduled)::date AS day, 1 AS messages,
                           (s.sent IS NOT NULL)::int AS sent,
                           (s.sent IS NOT NULL AND s.bounced IS NULL)::int
                               AS delivered,
                           (s.opened IS NOT NULL)::int AS opened,
                           (s.clicked IS NOT NULL)::int AS clicked,
                           (s.replied IS NOT NULL)::int AS replied,
                           (s.bounced IS NOT NULL OR s.exception IS NOT NULL)::int
                               AS failed,
                           0 AS excluded
                      FROM mail_mail_statistics s
                      JOIN mail_mass_mailing mm ON mm.id = s.mass_mailing_id
                    UNION ALL
                    SELECT 'sms', m.campaign_id, m.user_id,
                           COALESCE(m.date_sent, m.create_date)::date,
                           (m.state != 'excluded')::int,
                           (m.state IN ('sent', 'delivered'))::int,
                           (m.state = 'delivered')::int, 0, 0,
                           (EXISTS (SELECT 1 FROM crm_sms_message r
                                     WHERE r.reply_to_id = m.id
                                       AND NOT r.opt_out))::int,
                           (m.state = 'failed')::int, (m.state = 'excluded')::int
                      FROM crm_sms_message m
                     WHERE m.direction = 'outbound' AND m.state != 'cancelled'
                    UNION ALL
                    SELECT d.channel, d.campaign_id, d.user_id,
                           COALESCE(d.date_sent, d.create_date)::date,
                           0, 0, 0, 0, 0, 0, 0, 1
                      FROM crm_marketing_send_member mb
                      JOIN crm_marketing_send d ON d.id = mb.send_id
                     WHERE mb.state = 'excluded'
                )
                SELECT row_number() OVER (ORDER BY day, channel, campaign_id, user_id)
                           AS id,
                       day AS date, channel, campaign_id, user_id,
                       SUM(messages) AS message_count, SUM(sent) AS sent_count,
                       SUM(delivered) AS delivered_count, SUM(opened) AS opened_count,
                       SUM(clicked) AS clicked_count, SUM(replied) AS replied_count,
                       SUM(failed) AS failed_count, SUM(excluded) AS excluded_count,
                       CASE WHEN SUM(messages) > 0
                            THEN 100.0 * SUM(delivered) / SUM(messages) ELSE 0 END
                           AS delivery_rate,
                       CASE WHEN SUM(delivered) > 0
                            THEN 100.0 * SUM(opened) / SUM(delivered) ELSE 0 END
                           AS open_rate,
                       CASE WHEN SUM(delivered) > 0
                            THEN 100.0 * SUM(replied) / SUM(delivered) ELSE 0 END
                           AS response_rate
                  FROM facts
                 GROUP BY day, channel, campaign_id, user_id
            )
        """).format(table=sql.Identifier(self._table)))

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None,
                   orderby=False, lazy=True):
        """A group's rates are the ratios of its sums."""
        groups = super(CrmMarketingMessageReport, self).read_group(
            domain, ratio_fields(fields, RATIOS), groupby, offset=offset,
            limit=limit, orderby=orderby, lazy=lazy)
        return apply_ratios(groups, fields, RATIOS)
