from odoo import api, fields, models

# a member's statuses, in the order a response goes: a member moves forward only
# (an excluded member stays excluded)
MEMBER_STATES = [
    ("excluded", "Excluded"),
    ("queued", "Waiting"),
    ("sent", "Sent"),
    ("failed", "Failed"),
    ("delivered", "Delivered"),
    ("opened", "Opened"),
    ("clicked", "Clicked"),
    ("replied", "Replied"),
    ("responded", "Responded"),
    ("converted", "Converted"),
]
STATE_RANK = {state: rank for rank, (state, _label) in enumerate(MEMBER_STATES)}
# the rank of a member status column in SQL
RANK_SQL = "CASE {column} %s ELSE 0 END" % " ".join(
    "WHEN '%s' THEN %d" % (state, rank) for state, rank in sorted(STATE_RANK.items()))


class CrmMarketingSendMember(models.Model):
    """One recipient of a send and what became of it: excluded (with the reason:
    no address, no consent...), or sent, delivered, opened, clicked, replied,
    responded (a lead of the campaign from this person) and converted (an order
    of the campaign)."""

    _name = "crm.marketing.send.member"
    _description = "Marketing Send Recipient"
    _order = "send_id desc, id"

    send_id = fields.Many2one("crm.marketing.send", required=True,
                              index=True, ondelete="cascade")
    campaign_id = fields.Many2one("utm.campaign", index=True,
                                  readonly=True)
    channel = fields.Selection([("email", "E-mail"), ("sms", "SMS")],
                               readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer or Contact",
                                 required=True, index=True, ondelete="cascade")
    email = fields.Char("E-mail", readonly=True)
    mobile = fields.Char("Mobile (E.164)", readonly=True)
    state = fields.Selection(MEMBER_STATES, "Status", required=True,
                             default="queued", readonly=True, index=True)
    exclusion_reason = fields.Char(readonly=True)
    lead_id = fields.Many2one("crm.lead", "Response Lead", readonly=True,
                              index=True)
    unsubscribed = fields.Boolean(readonly=True,
                                  help="Opted out from this send's message.")
    date_state = fields.Datetime("Status Since", readonly=True)

    @api.model
    def _advance(self, values_sql, params):
        """Move members forward to the statuses ``values_sql`` gives: a query of
        (member id, status, date, lead id or NULL) rows. A member never moves
        back, and an excluded one stays excluded. One statement; returns the
        member ids moved."""
        self.env.cr.execute("""
            UPDATE crm_marketing_send_member m
               SET state = v.state,
                   date_state = COALESCE(v.date, now() AT TIME ZONE 'UTC'),
                   lead_id = COALESCE(v.lead_id, m.lead_id)
              FROM (SELECT DISTINCT ON (member_id) member_id, state, date, lead_id
                      FROM (%s) AS s(member_id, state, date, lead_id)
                     ORDER BY member_id, %s DESC, date) v
             WHERE m.id = v.member_id AND m.state != 'excluded'
               AND %s > %s
         RETURNING m.id
        """ % (  # sql-safe: the callers' constant queries and constant ranks
            values_sql, RANK_SQL.format(column="s.state"),
            RANK_SQL.format(column="v.state"), RANK_SQL.format(column="m.state")),
            params)
        moved = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_cache(["state", "date_state", "lead_id"], moved)
        return moved

    @api.model_cr
    def init(self):
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_marketing_send_member_send_partner_idx
                ON crm_marketing_send_member (send_id, partner_id)
        """)

    @api.multi
    def _prepare_response_lead_vals(self, text):
        """A new lead for this recipient's click or reply: the campaign's, for
        the customer's salesperson (or the campaign's team and its rules)."""
        self.ensure_one()
        partner = self.partner_id
        medium = self.env.ref("utm.utm_medium_email" if self.channel == "email"
                              else "crm_core.utm_medium_sms")
        return {
            "name": "%s: %s" % (self.campaign_id.name, partner.display_name),
            "partner_id": partner.id,
            "contact_name": partner.name if partner.parent_id else False,
            "partner_name": partner.commercial_partner_id.name,
            "email_from": self.email or partner.email,
            "phone": partner.phone,
            "mobile": self.mobile or partner.mobile,
            "campaign_id": self.campaign_id.id,
            "medium_id": medium.id,
            "team_id": self.campaign_id.team_id.id or False,
            "user_id": partner.commercial_partner_id.user_id.id or False,
            "description": text,
        }
