import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import html_escape

_logger = logging.getLogger(__name__)

# how long after a send its responses are still followed
FOLLOW_DAYS = 90


class CrmMarketingSend(models.Model):
    """Responses to sends: recipients move to opened, clicked and replied from
    Odoo's e-mail statistics and the SMS replies; a click or a reply becomes a
    lead of the campaign (or moves the person's open lead to it), and any lead
    or confirmed order of the campaign from a recipient after the send marks it
    responded or converted. Set-based statements; leads are made in batches."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.marketing.send"

    @api.model
    def _cron_update_responses(self, lead_limit=200):
        since = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now())
            - timedelta(days=FOLLOW_DAYS))
        sends = self.search([("state", "in", ("queued", "done")),
                             ("date_sent", ">=", since)])
        sends._update_responses(lead_limit)
        return True

    @api.multi
    def action_update_responses(self):
        self._update_responses()
        return True

    @api.multi
    def _update_responses(self, lead_limit=200):
        if not self:
            return
        Member = self.env["crm.marketing.send.member"]
        ids = self.ids
        # e-mail: Odoo's statistics of the send's mass mailing, per recipient
        Member._advance("""
            SELECT m.id,
                   CASE WHEN s.replied IS NOT NULL THEN 'replied'
                        WHEN s.clicked IS NOT NULL THEN 'clicked'
                        WHEN s.opened IS NOT NULL THEN 'opened'
                        WHEN s.bounced IS NOT NULL OR s.exception IS NOT NULL
                             THEN 'failed'
                        ELSE 'sent' END,
                   COALESCE(s.replied, s.clicked, s.opened, s.bounced, s.exception,
                            s.sent),
                   NULL::int
              FROM crm_marketing_send_member m
              JOIN crm_marketing_send d ON d.id = m.send_id
              JOIN mail_mail_statistics s
                ON s.mass_mailing_id = d.mass_mailing_id AND s.model = 'res.partner'
               AND s.res_id = m.partner_id
             WHERE m.send_id = ANY(%s)
               AND (s.sent IS NOT NULL OR s.exception IS NOT NULL)
        """, [ids])
        # SMS: the messages' statuses and the replies that are no opt-out
        Member._advance("""
            SELECT member_id, state, COALESCE(date_delivered, date_sent), NULL::int
              FROM crm_sms_message
             WHERE send_id = ANY(%s) AND direction = 'outbound'
               AND member_id IS NOT NULL AND state IN ('sent', 'delivered', 'failed')
            UNION ALL
            SELECT member_id, 'replied', create_date, NULL::int
              FROM crm_sms_message
             WHERE send_id = ANY(%s) AND direction = 'inbound' AND NOT opt_out
               AND member_id IS NOT NULL
        """, [ids, ids])
        self._leads_from_clicks_and_replies(lead_limit)
        # any lead of the campaign from a recipient (its company, e-mail or
        # mobile) created after the send: a web form, a call, a salesperson...
        Member._advance("""
            SELECT m.id, 'responded', l.create_date, l.id
              FROM crm_marketing_send_member m
              JOIN crm_marketing_send d ON d.id = m.send_id
              JOIN res_partner mp ON mp.id = m.partner_id
              JOIN crm_lead l ON l.campaign_id = d.campaign_id
                             AND l.create_date >= d.date_sent
              LEFT JOIN res_partner lp ON lp.id = l.partner_id
             WHERE m.send_id = ANY(%s) AND m.state != 'excluded'
               AND (lp.commercial_partner_id = mp.commercial_partner_id
                    OR (m.email IS NOT NULL
                        AND l.email_normalized = lower(m.email))
                    OR (m.mobile IS NOT NULL
                        AND m.mobile IN (l.mobile_sanitized, l.phone_sanitized)))
        """, [ids])
        # a confirmed order of the campaign from the recipient's company
        Member._advance("""
            SELECT m.id, 'converted', so.confirmation_date, so.opportunity_id
              FROM crm_marketing_send_member m
              JOIN crm_marketing_send d ON d.id = m.send_id
              JOIN res_partner mp ON mp.id = m.partner_id
              JOIN sale_order so ON so.campaign_id = d.campaign_id
                                AND so.state IN ('sale', 'done')
                                AND so.confirmation_date >= d.date_sent
              JOIN res_partner sp ON sp.id = so.partner_id
             WHERE m.send_id = ANY(%s) AND m.state != 'excluded'
               AND sp.commercial_partner_id = mp.commercial_partner_id
        """, [ids])
        # done: nothing left waiting on the channel
        self.env.cr.execute("""
            UPDATE crm_marketing_send d SET state = 'done'
             WHERE d.id = ANY(%s) AND d.state = 'queued'
               AND NOT EXISTS (SELECT 1 FROM crm_marketing_send_member m
                                WHERE m.send_id = d.id AND m.state = 'queued')
               AND NOT EXISTS (SELECT 1 FROM crm_sms_message s
                                WHERE s.send_id = d.id
                                  AND s.state IN ('queued', 'sending'))
        """, (ids,))
        self.invalidate_cache(["state"], ids)

    @api.multi
    def _leads_from_clicks_and_replies(self, limit):
        """Recipients who clicked or replied and have no lead yet: the open lead
        of their company moves to the campaign (last touch) with a note, or a
        new lead of the campaign is made for the campaign's team. At most
        ``limit`` per run (the next run takes the rest)."""
        Member = self.env["crm.marketing.send.member"]
        members = Member.search([("send_id", "in", self.ids),
                                 ("state", "in", ("clicked", "replied")),
                                 ("lead_id", "=", False)], limit=limit)
        if not members:
            return
        Lead = self.env["crm.lead"].sudo()  # sudo: marketing files responses for sales
        companies = members.mapped("partner_id.commercial_partner_id")
        open_leads = Lead.search([
            ("partner_id", "child_of", companies.ids), ("active", "=", True),
            ("probability", "<", 100)], order="create_date desc, id desc")
        latest = {}
        for lead in open_leads:
            latest.setdefault(lead.partner_id.commercial_partner_id.id, lead)
        replies = self._latest_sms_replies(members)
        pairs = []
        for member in members:
            what = self._response_text(member, replies.get(member.id))
            lead = latest.get(member.partner_id.commercial_partner_id.id)
            if lead:
                if lead.campaign_id != member.campaign_id:
                    lead.write({"campaign_id": member.campaign_id.id})
                lead.message_post(body="<p>%s</p>" % html_escape(what),
                                  subtype="mail.mt_note", message_type="comment")
            else:
                lead = Lead.with_context(mail_create_nosubscribe=True).create(
                    member._prepare_response_lead_vals(what))
                latest[member.partner_id.commercial_partner_id.id] = lead
            pairs.append((member.id, lead.id))
        self.env.cr.execute("""
            UPDATE crm_marketing_send_member m
               SET lead_id = v.lead_id, state = 'responded',
                   date_state = now() AT TIME ZONE 'UTC'
              FROM unnest(%s::int[], %s::int[]) AS v(member_id, lead_id)
             WHERE m.id = v.member_id
        """, ([p[0] for p in pairs], [p[1] for p in pairs]))
        members.invalidate_cache(["lead_id", "state", "date_state"])
        _logger.info("Marketing responses: %d leads made or updated", len(pairs))

    @api.model
    def _latest_sms_replies(self, members):
        """{member id: text of its latest SMS reply}, one query."""
        self.env.cr.execute("""
            SELECT DISTINCT ON (member_id) member_id, body FROM crm_sms_message
             WHERE member_id = ANY(%s) AND direction = 'inbound' AND NOT opt_out
             ORDER BY member_id, id DESC
        """, (members.ids,))
        return dict(self.env.cr.fetchall())

    @api.model
    def _response_text(self, member, reply):
        if reply:
            return _("Replied to the SMS of the campaign %(campaign)s: %(text)s") % {
                "campaign": member.campaign_id.name, "text": reply}
        if member.state == "replied":
            return _("Replied to the e-mail \"%(subject)s\" of the campaign "
                     "%(campaign)s.") % {"subject": member.send_id.subject or "",
                                         "campaign": member.campaign_id.name}
        return _("Clicked a link of the e-mail \"%(subject)s\" of the campaign "
                 "%(campaign)s.") % {"subject": member.send_id.subject or "",
                                     "campaign": member.campaign_id.name}
