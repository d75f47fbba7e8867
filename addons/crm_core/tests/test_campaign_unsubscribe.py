"""The unsubscribe link of a marketing e-mail over real HTTP: the page asks to
confirm, the confirmation appends one opt-out to the consent ledger (a second
adds nothing), a wrong token gets 403 and an unknown mailing 404, writing
nothing."""
import requests

from .http_case import ClientErrorsQuietHandler, HttpCase


class TestUnsubscribeHttp(HttpCase):

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        cls.partner = cls.env["res.partner"].create({
            "name": "Unsub Reader", "customer": True, "email": "reader@example.com",
            "lang": "en_US"})
        campaign = cls.env["utm.campaign"].create({"name": "Unsub Campaign"})
        segment = cls.env["crm.marketing.segment"].create({
            "name": "Unsub Segment", "domain": repr([("id", "=", cls.partner.id)])})
        cls.send = cls.env["crm.marketing.send"].create({
            "name": "Unsub wave", "campaign_id": campaign.id,
            "segment_id": segment.id, "subject": "News", "body_html": "<p>Hi</p>"})
        cls.send.action_send()
        cls.mailing = cls.send.mass_mailing_id
        cls.token = cls.mailing._unsubscribe_token(cls.partner.id,
                                                   "reader@example.com")
        cls.url = "/crm_core/unsubscribe/%d/%d" % (cls.mailing.id, cls.partner.id)

    def opt_outs(self):
        return self.env["crm.consent"].search([
            ("partner_id", "=", self.partner.id), ("channel", "=", "email"),
            ("status", "=", "opt_out")])

    def test_confirm_then_unsubscribe_once(self):
        params = {"email": "reader@example.com", "token": self.token}
        with self.served():
            page = requests.get(self.base_url + self.url, params=params, timeout=30)
            first = requests.post(self.base_url + self.url, data=params, timeout=30)
            second = requests.post(self.base_url + self.url, data=params, timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn("<form", page.text)
        self.assertIn("reader@example.com", page.text)
        self.assertEqual((first.status_code, second.status_code), (200, 200))
        self.assertIn("You are unsubscribed", first.text)
        opt_outs = self.opt_outs()
        self.assertEqual(len(opt_outs), 1)
        self.assertEqual((opt_outs.source, opt_outs.purpose),
                         ("email_link", "marketing"))
        member = self.send.member_ids
        self.assertTrue(member.unsubscribed)
        allowed, _excluded = self.env["crm.consent"].check(self.partner, "email")
        self.assertFalse(allowed)

    def test_wrong_token_or_unknown_mailing_writes_nothing(self):
        before = len(self.opt_outs())
        with self.served():
            forged = requests.post(self.base_url + self.url, timeout=30, data={
                "email": "reader@example.com", "token": "0" * 128})
            other_address = requests.post(self.base_url + self.url, timeout=30, data={
                "email": "someone@example.com", "token": self.token})
            unknown = requests.post(
                self.base_url + "/crm_core/unsubscribe/999999/%d" % self.partner.id,
                data={"email": "reader@example.com", "token": self.token},
                timeout=30)
        self.assertEqual((forged.status_code, other_address.status_code,
                          unknown.status_code), (403, 403, 404))
        self.assertEqual(len(self.opt_outs()), before)
