import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

SEND_STATES = [
    ("draft", "Draft"),
    ("queued", "Queued"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
CHANNELS = [("email", "E-mail"), ("sms", "SMS")]
PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]
# Odoo's mass mailing replaces this address by each recipient's unsubscribe link
UNSUBSCRIBE_PLACEHOLDER = "/unsubscribe_from_list"
# member statuses counted on the send (one read_group)
COUNTED = ["excluded", "queued", "sent", "delivered", "opened", "clicked",
           "replied", "responded", "converted", "failed"]


class CrmMarketingSend(models.Model):
    """One send of a campaign to a segment over one channel (B3, B4, B10): the
    segment's members are frozen in a snapshot, people without consent for the
    channel and marketing are left out and each exclusion logged with its
    reason, and the rest get the e-mail (through Odoo's mass mailing, which
    tracks opens, clicks and replies) or the SMS (through the SMS gateway)."""

    _name = "crm.marketing.send"
    _description = "Marketing Send"
    _inherit = ["mail.thread"]
    _order = "scheduled_date desc, id desc"

    name = fields.Char(required=True, track_visibility="onchange")
    campaign_id = fields.Many2one(
        "utm.campaign", required=True, index=True, ondelete="restrict",
        track_visibility="onchange")
    campaign_user_id = fields.Many2one(
        "res.users", "Campaign Owner", related="campaign_id.user_id", readonly=True)
    segment_id = fields.Many2one("crm.marketing.segment", required=True,
                                 ondelete="restrict", track_visibility="onchange")
    snapshot_id = fields.Many2one("crm.marketing.segment.snapshot",
                                  readonly=True, copy=False)
    channel = fields.Selection(CHANNELS, required=True, default="email")
    state = fields.Selection(SEND_STATES, "Status", default="draft", required=True,
                             readonly=True, copy=False, index=True,
                             track_visibility="onchange")
    user_id = fields.Many2one("res.users", "Sent by", readonly=True, copy=False)
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.user.company_id)
    scheduled_date = fields.Datetime(
        "Send At", help="Leave empty to send as soon as possible.")
    priority = fields.Selection(
        PRIORITIES, default="1", required=True,
        help="SMS: higher priority messages leave the queue first.")
    date_sent = fields.Datetime("Queued On", readonly=True, copy=False)
    # e-mail
    mail_template_id = fields.Many2one(
        "mail.template", "E-mail Template",
        domain=[("model", "=", "res.partner")])
    subject = fields.Char()
    body_html = fields.Html("Body", sanitize_attributes=False)
    email_from = fields.Char(
        "From", default=lambda self: self.env["mail.message"]._get_default_from())
    reply_to = fields.Char(
        default=lambda self: self.env["mail.message"]._get_default_from(),
        help="Replies go here; replies to the campaign's e-mail are counted.")
    # SMS
    sms_gateway_id = fields.Many2one(
        "crm.sms.gateway", "SMS Gateway",
        default=lambda self: self.env["crm.sms.gateway"]._default_gateway())
    sms_template_code = fields.Char(
        "SMS Template Code", help="The gateway's approved template; empty: the "
                                  "gateway's default template.")
    sms_body = fields.Text(
        "SMS Text", help="The text ({name} becomes the recipient's name); the "
                         "template's parameter \"name\" gets the same.")
    sms_message_ids = fields.One2many("crm.sms.message", "send_id", "SMS Messages",
                                      readonly=True)
    mass_mailing_id = fields.Many2one("mail.mass_mailing", readonly=True,
                                      copy=False)
    member_ids = fields.One2many("crm.marketing.send.member", "send_id", "Recipients",
                                 readonly=True)
    member_count = fields.Integer("Recipients", compute="_compute_counts")
    excluded_count = fields.Integer("Excluded", compute="_compute_counts")
    queued_count = fields.Integer("Waiting", compute="_compute_counts")
    sent_count = fields.Integer("Sent", compute="_compute_counts")
    delivered_count = fields.Integer("Delivered", compute="_compute_counts")
    opened_count = fields.Integer("Opened", compute="_compute_counts")
    clicked_count = fields.Integer("Clicked", compute="_compute_counts")
    replied_count = fields.Integer("Replied", compute="_compute_counts")
    responded_count = fields.Integer("Responded", compute="_compute_counts")
    converted_count = fields.Integer("Converted", compute="_compute_counts")
    failed_count = fields.Integer("Failed", compute="_compute_counts")

    @api.multi
    def _compute_counts(self):
        """All counters from one grouped read. A member counts once, at its
        furthest status; "Sent" counts everyone the message reached or went to."""
        groups = self.env["crm.marketing.send.member"].read_group(
            [("send_id", "in", self.ids)], ["send_id", "state"], ["send_id", "state"],
            lazy=False)
        counts = {}
        for group in groups:
            counts.setdefault(group["send_id"][0], {})[group["state"]] = \
                group["__count"]
        reached = COUNTED[2:-1]
        for send in self:
            by_state = counts.get(send.id, {})
            send.member_count = sum(by_state.values())
            for state in COUNTED:
                send["%s_count" % state] = by_state.get(state, 0)
            send.sent_count = sum(by_state.get(state, 0) for state in reached)

    @api.onchange("mail_template_id")
    def _onchange_mail_template_id(self):
        if self.mail_template_id:
            self.subject = self.mail_template_id.subject
            self.body_html = self.mail_template_id.body_html

    @api.onchange("campaign_id")
    def _onchange_campaign_id(self):
        if self.campaign_id and not self.segment_id:
            self.segment_id = self.campaign_id.segment_id

    # --- actions ---------------------------------------------------------------------

    @api.multi
    def action_send(self):
        """Freeze the audience, leave out and log whoever may not be contacted,
        and queue the rest on the channel."""
        for send in self:
            send._check_ready()
            send._prepare_members()
            send._queue_channel()
            send.write({"state": "queued", "user_id": self.env.uid,
                        "date_sent": fields.Datetime.now()})
        return True

    @api.multi
    def action_cancel(self):
        for send in self:
            if send.state not in ("draft", "queued"):
                raise UserError(_("Cancel: the send %s is already done or cancelled.")
                                % send.name)
            send._cancel_channel()
        self.write({"state": "cancelled"})
        return True

    @api.multi
    def action_draft(self):
        if self.filtered(lambda s: s.state != "cancelled" or s.snapshot_id):
            raise UserError(_("Reset to Draft: only a send cancelled before it was "
                              "queued can be reset; copy the send to send it again."))
        return self.write({"state": "draft"})

    @api.multi
    def action_view_members(self, state=None):
        self.ensure_one()
        context = {}
        if state:
            context["search_default_%s" % state] = 1
        return {
            "type": "ir.actions.act_window",
            "name": _("Recipients"),
            "res_model": "crm.marketing.send.member",
            "view_mode": "tree,form,pivot",
            "domain": [("send_id", "=", self.id)],
            "context": context,
        }

    @api.multi
    def action_view_excluded(self):
        return self.action_view_members("excluded")

    @api.multi
    def action_view_mass_mailing(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.mass_mailing",
            "res_id": self.mass_mailing_id.id,
            "view_mode": "form",
        }

    # --- business methods ------------------------------------------------------------

    def _check_ready(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(_("Send: the send %s was already sent or cancelled.")
                            % self.name)
        if self.campaign_id.state in ("done", "cancelled"):
            raise UserError(_("Campaign: %s is finished or cancelled; nothing more "
                              "can be sent for it.") % self.campaign_id.name)
        self._check_channel_ready()

    def _check_channel_ready(self):
        """Raise a UserError naming the field when the message is incomplete."""
        if self.channel == "sms":
            if not self.sms_gateway_id:
                raise UserError(_("SMS Gateway: choose the gateway to send through."))
            if not ((self.sms_body or "").strip() or self.sms_template_code
                    or self.sms_gateway_id.template_code):
                raise UserError(_("SMS Text: write the text or name a template."))
            return
        if not (self.subject or "").strip():
            raise UserError(_("Subject: an e-mail needs a subject."))
        if not (self.body_html or "").strip():
            raise UserError(_("Body: an e-mail needs a body."))

    def _prepare_members(self):
        """Snapshot the segment, copy its members in one INSERT ... SELECT, then
        exclude (and log why) the members without an address for the channel,
        the duplicates of an address, and everyone without consent."""
        self.ensure_one()
        snapshot = self.segment_id._take_snapshot()
        self.snapshot_id = snapshot
        cr = self.env.cr
        cr.execute("""
            INSERT INTO crm_marketing_send_member
                   (send_id, campaign_id, channel, partner_id, email, mobile, state,
                    create_uid, create_date, write_uid, write_date)
            SELECT %(send)s, %(campaign)s, %(channel)s, m.partner_id, m.email,
                   m.mobile, 'queued', %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                   now() AT TIME ZONE 'UTC'
              FROM crm_marketing_segment_member m
             WHERE m.snapshot_id = %(snapshot)s
             ORDER BY m.id
        """, {"send": self.id, "campaign": self.campaign_id.id,
              "channel": self.channel, "snapshot": snapshot.id, "uid": self.env.uid})
        address = "email" if self.channel == "email" else "mobile"
        no_address = (_("no e-mail address") if self.channel == "email"
                      else _("no mobile number"))
        cr.execute("""
            UPDATE crm_marketing_send_member SET state = 'excluded',
                   exclusion_reason = %s
             WHERE send_id = %s AND {address} IS NULL
        """.format(address=address),  # sql-safe: a column from a fixed pair
                   (no_address, self.id))
        cr.execute("""
            UPDATE crm_marketing_send_member m SET state = 'excluded',
                   exclusion_reason = %s
              FROM (SELECT id, row_number() OVER (
                               PARTITION BY lower({address}) ORDER BY id) AS n
                      FROM crm_marketing_send_member
                     WHERE send_id = %s AND state = 'queued') d
             WHERE m.id = d.id AND d.n > 1
        """.format(address=address),  # sql-safe: a column from a fixed pair
                   (_("same address as another recipient"), self.id))
        cr.execute("SELECT partner_id FROM crm_marketing_send_member "
                   "WHERE send_id = %s AND state = 'queued'", (self.id,))
        partners = self.env["res.partner"].browse([row[0] for row in cr.fetchall()])
        _allowed, excluded = self.env["crm.consent"].check(
            partners, self.channel, "marketing")
        by_reason = {}
        for partner_id, reason in excluded.items():
            by_reason.setdefault(reason, []).append(partner_id)
        for reason, partner_ids in by_reason.items():
            cr.execute("""
                UPDATE crm_marketing_send_member SET state = 'excluded',
                       exclusion_reason = %s
                 WHERE send_id = %s AND state = 'queued' AND partner_id = ANY(%s)
            """, (_("consent: %s") % reason, self.id, partner_ids))
        self.member_ids.invalidate_cache()
        excluded_count = self.env["crm.marketing.send.member"].search_count(
            [("send_id", "=", self.id), ("state", "=", "excluded")])
        _logger.info("Marketing send %s: %d recipients, %d excluded", self.id,
                     len(partners) + excluded_count - len(excluded), excluded_count)

    def _queue_channel(self):
        if self.channel == "sms":
            self._queue_sms()
        else:
            self._queue_email()

    def _queue_sms(self):
        """One queued SMS per recipient left, in one INSERT ... SELECT, with the
        send's priority and time; the SMS job sends them."""
        self.ensure_one()
        self.env.cr.execute("""
            INSERT INTO crm_sms_message
                   (number, partner_id, campaign_id, send_id, member_id, gateway_id,
                    body, template_code, template_params, purpose, priority,
                    scheduled_date, direction, state, user_id, company_id,
                    create_uid, create_date, write_uid, write_date)
            SELECT m.mobile, m.partner_id, %(campaign)s, %(send)s, m.id,
                   %(gateway)s, replace(%(body)s, '{name}', COALESCE(p.name, '')),
                   %(template)s, json_build_object('name', p.name)::text,
                   'marketing', %(priority)s, %(scheduled)s, 'outbound', 'queued',
                   %(uid)s, %(company)s, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                   now() AT TIME ZONE 'UTC'
              FROM crm_marketing_send_member m
              JOIN res_partner p ON p.id = m.partner_id
             WHERE m.send_id = %(send)s AND m.state = 'queued'
             ORDER BY m.id
        """, {"campaign": self.campaign_id.id, "send": self.id,
              "gateway": self.sms_gateway_id.id, "body": self.sms_body or "",
              "template": self.sms_template_code or None, "priority": self.priority,
              "scheduled": self.scheduled_date or None, "uid": self.env.uid,
              "company": self.company_id.id})
        if not self.env.cr.rowcount:
            raise UserError(_("Recipients: nobody in the segment may receive this "
                              "SMS (see the excluded recipients)."))

    def _queue_email(self):
        """A mass mailing to the members left, carrying the campaign: Odoo's
        mailing queue sends it and tracks opens, clicks, replies and bounces."""
        self.ensure_one()
        if not self.env["crm.marketing.send.member"].search_count(
                [("send_id", "=", self.id), ("state", "=", "queued")]):
            raise UserError(_("Recipients: nobody in the segment may receive this "
                              "e-mail (see the excluded recipients)."))
        body = self.body_html or ""
        if UNSUBSCRIBE_PLACEHOLDER not in body:
            body += ('<p style="font-size: 11px; color: #888;"><a href="%s">%s</a></p>'
                     % (UNSUBSCRIBE_PLACEHOLDER,
                        _("Unsubscribe from our marketing e-mail")))
        mailing = self.env["mail.mass_mailing"].create({
            "name": self.subject,
            "body_html": body,
            "email_from": self.email_from,
            "reply_to_mode": "email",
            "reply_to": self.reply_to or self.email_from,
            "mailing_model_id": self.env.ref("base.model_res_partner").id,
            "mailing_domain": repr([("marketing_send_id", "=", self.id)]),
            "campaign_id": self.campaign_id.id,
            "medium_id": self.env.ref("utm.utm_medium_email").id,
            "schedule_date": self.scheduled_date,
            "crm_send_id": self.id,
        })
        mailing.put_in_queue()
        self.mass_mailing_id = mailing

    def _cancel_channel(self):
        """Stop what is still waiting: the mailing if not sent yet."""
        self.ensure_one()
        mailing = self.mass_mailing_id
        if mailing and mailing.state == "in_queue":
            mailing.cancel_mass_mailing()
        self.env.cr.execute("""
            UPDATE crm_sms_message SET state = 'cancelled'
             WHERE send_id = %s AND state = 'queued'
        """, (self.id,))
        self.sms_message_ids.invalidate_cache()
        self.env["crm.marketing.send.member"].search(
            [("send_id", "=", self.id), ("state", "=", "queued")]).write(
            {"state": "excluded", "exclusion_reason": _("send cancelled")})

    @api.multi
    def _record_unsubscribe(self, partner, mailing):
        """The recipient clicked the unsubscribe link of this send's e-mail: an
        opt-out from marketing e-mail in the consent ledger (once), and the
        recipient marked as unsubscribed."""
        self.ensure_one()
        ledger = self.env["crm.consent"].sudo()  # sudo: the recipient's own signed link
        latest = ledger._latest_status([partner.id], "email", "marketing")
        if latest.get(partner.id) != "opt_out":
            ledger.record(partner, "email", "opt_out", "marketing",
                          source="email_link",
                          note=_("Unsubscribe link of the e-mail %s") % mailing.name)
        self.env.cr.execute("""
            UPDATE crm_marketing_send_member SET unsubscribed = TRUE
             WHERE send_id = %s AND partner_id = %s
        """, (self.id, partner.id))
        self.env["crm.marketing.send.member"].invalidate_cache(["unsubscribed"])
