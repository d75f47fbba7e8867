"""Consent-aware sends (B3, B10, §3-14): a send freezes its segment, leaves out
and logs everyone without an address or consent for the channel and marketing,
and hands the rest to Odoo's mass mailing with the campaign (opens, clicks and
replies tracked) and an unsubscribe link to the consent ledger; who may send
for which campaign."""
from odoo.exceptions import AccessError, UserError

from .marketing_fixtures import MarketingCase


class SendCase(MarketingCase):

    @classmethod
    def setUpClass(cls):
        super(SendCase, cls).setUpClass()
        Partner = cls.env["res.partner"]
        base = {"customer": True, "is_company": True}
        cls.willing = Partner.create(dict(base, name="Send Willing",
                                          email="willing@example.com",
                                          mobile="13900000001"))
        cls.refuser = Partner.create(dict(base, name="Send Refuser",
                                          email="refuser@example.com",
                                          mobile="13900000002"))
        cls.silent = Partner.create(dict(base, name="Send Silent"))
        cls.twin = Partner.create(dict(base, name="Send Twin",
                                       email="WILLING@example.com"))
        cls.env["crm.consent"].record(cls.refuser, "email", "opt_out",
                                      source="phone")
        cls.fair = cls.campaign("Send Fair", owner=cls.marketer)
        cls.fair.action_start()
        cls.segment = cls.env["crm.marketing.segment"].create({
            "name": "Send Segment", "domain": repr([("name", "like", "Send ")])})

    @classmethod
    def new_send(cls, **vals):
        values = {"name": "Spring wave", "campaign_id": cls.fair.id,
                  "segment_id": cls.segment.id, "channel": "email",
                  "subject": "Spring offer", "body_html": "<p>Come and see us</p>"}
        values.update(vals)
        return cls.env["crm.marketing.send"].create(values)


class TestEmailSend(SendCase):

    def test_exclusions_are_logged_with_their_reason(self):
        send = self.new_send().sudo(self.marketer)
        send.action_send()
        members = {m.partner_id: m for m in send.member_ids}
        self.assertEqual(set(members), {self.willing, self.refuser, self.silent,
                                        self.twin})
        self.assertEqual(members[self.willing].state, "queued")
        self.assertEqual((members[self.refuser].state,
                          members[self.refuser].exclusion_reason),
                         ("excluded", "consent: opted out"))
        self.assertEqual((members[self.silent].state,
                          members[self.silent].exclusion_reason),
                         ("excluded", "no e-mail address"))
        self.assertEqual((members[self.twin].state,
                          members[self.twin].exclusion_reason),
                         ("excluded", "same address as another recipient"))
        self.assertEqual((send.member_count, send.excluded_count), (4, 3))
        self.assertEqual(send.state, "queued")
        self.assertEqual(send.snapshot_id.member_count, 4)

    def test_opt_in_company_excludes_whoever_never_agreed(self):
        self.company.consent_email_mode = "opt_in"
        self.env["crm.consent"].record(self.willing, "email", "opt_in",
                                       source="form")
        newcomer = self.env["res.partner"].create({
            "name": "Send Newcomer", "customer": True, "email": "new@example.com"})
        send = self.new_send()
        send.action_send()
        member = send.member_ids.filtered(lambda m: m.partner_id == newcomer)
        self.assertEqual(member.exclusion_reason, "consent: no opt-in on record")
        self.assertEqual(send.member_ids.filtered(lambda m: m.state == "queued")
                         .mapped("partner_id"), self.willing)

    def test_mass_mailing_carries_the_campaign_and_reaches_only_the_allowed(self):
        send = self.new_send(scheduled_date="2030-01-01 08:00:00")
        send.action_send()
        mailing = send.mass_mailing_id
        self.assertEqual(mailing.campaign_id, self.fair)
        self.assertEqual(mailing.crm_send_id, send)
        self.assertEqual(mailing.state, "in_queue")
        self.assertEqual(mailing.schedule_date, "2030-01-01 08:00:00")
        self.assertEqual(mailing.get_recipients(), self.willing.ids)
        mailing.send_mail()
        stats = self.env["mail.mail.statistics"].search(
            [("mass_mailing_id", "=", mailing.id)])
        self.assertEqual(stats.mapped("res_id"), self.willing.ids)
        self.assertTrue(stats.sent)
        # the e-mail as it leaves: Odoo puts each recipient's unsubscribe link in
        mail = self.env["mail.mail"].create({
            "mailing_id": mailing.id, "model": "res.partner",
            "res_id": self.willing.id, "body_html": mailing.body_html,
            "email_to": "willing@example.com"})
        email = mail.send_get_email_dict(self.willing)
        self.assertIn("/crm_core/unsubscribe/%d/%d?" % (mailing.id, self.willing.id),
                      email["body"])
        self.assertNotIn("/unsubscribe_from_list", email["body"])

    def test_bad_input_names_the_field(self):
        with self.assertRaisesRegex(UserError, "Subject"):
            self.new_send(subject=" ").action_send()
        with self.assertRaisesRegex(UserError, "Body"):
            self.new_send(body_html="").action_send()
        done = self.campaign("Finished Fair")
        done.action_start()
        done.action_done()
        with self.assertRaisesRegex(UserError, "Campaign"):
            self.new_send(campaign_id=done.id).action_send()
        send = self.new_send()
        send.action_send()
        with self.assertRaisesRegex(UserError, "already sent"):
            send.action_send()
        nobody = self.env["crm.marketing.segment"].create({
            "name": "Nobody", "domain": repr([("name", "=", "Send Silent")])})
        with self.assertRaisesRegex(UserError, "Recipients"):
            self.new_send(segment_id=nobody.id).action_send()

    def test_cancel_stops_the_mailing(self):
        send = self.new_send(scheduled_date="2030-01-01 08:00:00")
        send.action_send()
        send.action_cancel()
        self.assertEqual(send.state, "cancelled")
        self.assertEqual(send.mass_mailing_id.state, "draft")
        self.assertFalse(send.member_ids.filtered(lambda m: m.state == "queued"))


class TestSendSecurity(SendCase):

    def test_campaign_lead_sends_for_own_campaign_only(self):
        theirs = self.campaign("Their Fair", owner=self.marketer2)
        mine = self.new_send().sudo(self.marketer)
        mine.action_send()
        other = self.new_send(campaign_id=theirs.id)
        with self.assertRaises(AccessError):
            other.sudo(self.marketer).write({"name": "Taken over"})
        with self.assertRaises(AccessError):
            self.env["crm.marketing.send"].sudo(self.marketer).create({
                "name": "For them", "campaign_id": theirs.id,
                "segment_id": self.segment.id})
        self.assertEqual(other.sudo(self.marketer).name, "Spring wave")
        other.sudo(self.mkt_manager).write({"name": "Managed"})
        self.assertEqual(other.name, "Managed")

    def test_salespeople_see_no_sends(self):
        send = self.new_send()
        with self.assertRaises(AccessError):
            send.sudo(self.rep).read(["name"])
        with self.assertRaises(AccessError):
            self.env["crm.marketing.send.member"].sudo(self.rep).search([])
