"""Responses (B3, B4, B7): recipients move forward from Odoo's e-mail statistics
and SMS replies; a click or reply becomes a lead of the campaign (or moves the
person's open lead to it); leads from any channel and confirmed orders of the
campaign mark recipients responded and converted; messaging statistics by
channel, campaign and employee."""
from odoo import fields

from .test_campaign_send import SendCase


class TestResponses(SendCase):

    def sent_email(self):
        send = self.new_send()
        send.sudo(self.marketer).action_send()
        send.mass_mailing_id.send_mail()
        # sent an hour ago: what follows in this transaction comes after it
        self.env.cr.execute(
            "UPDATE crm_marketing_send SET date_sent = date_sent - interval '1 hour'"
            " WHERE id = %s", (send.id,))
        send.invalidate_cache(["date_sent"])
        return send

    def stats(self, send, partner):
        return self.env["mail.mail.statistics"].search([
            ("mass_mailing_id", "=", send.mass_mailing_id.id),
            ("res_id", "=", partner.id)])

    def member(self, send, partner):
        return send.member_ids.filtered(lambda m: m.partner_id == partner)

    def test_statistics_move_recipients_forward_never_back(self):
        send = self.sent_email()
        send._update_responses()
        self.assertEqual(self.member(send, self.willing).state, "sent")
        self.stats(send, self.willing).write({"opened": fields.Datetime.now()})
        send._update_responses()
        member = self.member(send, self.willing)
        self.assertEqual(member.state, "opened")
        self.assertEqual(send.opened_count, 1)
        self.assertEqual(send.state, "done", "nobody waits any more")
        member.invalidate_cache()
        self.env.cr.execute("UPDATE mail_mail_statistics SET opened = NULL "
                            "WHERE id = %s", (self.stats(send, self.willing).id,))
        send._update_responses()
        member.invalidate_cache()
        self.assertEqual(member.state, "opened", "a member never moves back")
        self.assertEqual(self.member(send, self.refuser).state, "excluded")

    def test_click_becomes_a_lead_of_the_campaign(self):
        self.willing.user_id = self.rep
        send = self.sent_email()
        self.stats(send, self.willing).write({"clicked": fields.Datetime.now()})
        send._update_responses()
        member = self.member(send, self.willing)
        self.assertEqual(member.state, "responded")
        lead = member.lead_id
        self.assertEqual((lead.campaign_id, lead.first_campaign_id, lead.partner_id,
                          lead.user_id), (self.fair, self.fair, self.willing,
                                          self.rep))
        self.assertIn("Clicked a link", lead.description)
        send._update_responses()
        self.assertEqual(self.env["crm.lead"].search_count(
            [("campaign_id", "=", self.fair.id)]), 1, "once")

    def test_reply_moves_the_open_lead_to_the_campaign(self):
        earlier = self.campaign("Earlier Fair")
        lead = self.env["crm.lead"].create({
            "name": "Open deal", "type": "opportunity", "partner_id": self.willing.id,
            "campaign_id": earlier.id})
        send = self.sent_email()
        self.stats(send, self.willing).write({"replied": fields.Datetime.now()})
        send._update_responses()
        member = self.member(send, self.willing)
        self.assertEqual((member.state, member.lead_id), ("responded", lead))
        self.assertEqual((lead.campaign_id, lead.first_campaign_id),
                         (self.fair, earlier))
        self.assertIn("Replied to the e-mail",
                      lead.message_ids[0].body)

    def test_leads_from_other_channels_and_orders_count(self):
        send = self.sent_email()
        # a web form (no customer, the same e-mail) after the send
        capture = self.env["crm.lead"].create({
            "name": "Web form", "email_from": "Willing@Example.com",
            "campaign_id": self.fair.id})
        send._update_responses()
        member = self.member(send, self.willing)
        self.assertEqual((member.state, member.lead_id), ("responded", capture))
        order = self.order(800.0, campaign=self.fair, partner=self.willing)
        order.action_confirm()
        send._update_responses()
        member.invalidate_cache()
        self.assertEqual(member.state, "converted")
        self.assertEqual(send.converted_count, 1)

    def test_capture_form_moves_a_duplicate_lead_to_its_campaign(self):
        lead = self.env["crm.lead"].create({"name": "Known", "phone": "13900000001"})
        form = self.env["crm.lead.capture"].create({
            "name": "Fair form", "team_id": self.team.id,
            "campaign_id": self.fair.id})
        lead._capture_note(form, {"name": "Willing", "phone": "+8613900000001"})
        self.assertEqual((lead.campaign_id, lead.first_campaign_id),
                         (self.fair, self.fair))

    def test_sms_reply_becomes_a_lead_with_its_text(self):
        gateway = self.env["crm.sms.gateway"].create({"name": "Resp Local"})
        self.env["crm.consent"].record(self.willing, "sms", "opt_in", source="form")
        self.env["crm.sms.message"].search([("state", "=", "queued")]).write(
            {"state": "cancelled"})
        send = self.new_send(channel="sms", sms_gateway_id=gateway.id,
                             sms_body="Fair on Friday")
        send.action_send()
        self.env["crm.sms.message"]._cron_send()
        self.env["crm.sms.message"]._receive_replies(gateway, [{
            "number": "13900000001", "content": "请给我报价", "time": None,
            "reference": "r-1"}])
        send._update_responses()
        member = self.member(send, self.willing)
        self.assertEqual(member.state, "responded")
        self.assertIn("请给我报价", member.lead_id.description)

    def test_messaging_statistics(self):
        send = self.sent_email()
        self.stats(send, self.willing).write({"opened": fields.Datetime.now()})
        report = self.env["crm.marketing.message.report"].sudo(self.marketer)
        groups = report.read_group(
            [("campaign_id", "=", self.fair.id)],
            ["channel", "message_count", "delivered_count", "opened_count",
             "excluded_count", "open_rate", "user_id"], ["channel", "user_id"],
            lazy=False)
        self.assertEqual([(g["channel"], g["user_id"][0]) for g in groups],
                         [("email", self.marketer.id)])
        by_sender = groups[0]
        self.assertEqual((by_sender["message_count"], by_sender["delivered_count"],
                          by_sender["opened_count"], by_sender["open_rate"],
                          by_sender["excluded_count"]), (1, 1, 1, 100.0, 3))
