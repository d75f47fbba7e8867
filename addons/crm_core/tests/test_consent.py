"""The consent ledger (P3P spirit): append-only, the latest answer wins, a contact's
own answer before its company's, opt-in and opt-out channels, and it follows the
customers' data scopes."""
from odoo.exceptions import AccessError

from .test_pool import PoolCase


class TestConsent(PoolCase):

    @classmethod
    def setUpClass(cls):
        super(TestConsent, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.Consent = cls.env["crm.consent"]
        cls.company_a = cls.customer("Consent A", owner=cls.rep1)
        cls.contact_a = cls.env["res.partner"].create(
            {"name": "A Person", "parent_id": cls.company_a.id})
        cls.company_b = cls.customer("Consent B", owner=cls.rep3)

    def test_latest_answer_wins(self):
        self.Consent.record(self.company_a, "email", "opt_in",
                            source="form").write({"date": "2026-01-01 10:00:00"})
        allowed, excluded = self.Consent.check(self.company_a, "email")
        self.assertEqual(allowed, self.company_a)
        self.Consent.record(self.company_a, "email", "opt_out", source="email_link")
        allowed, excluded = self.Consent.check(self.company_a, "email")
        self.assertFalse(allowed)
        self.assertEqual(excluded, {self.company_a.id: "opted out"})
        self.assertEqual(self.company_a.consent_email, "opt_out")
        self.assertEqual(self.company_a.consent_sms, "none")

    def test_contact_answer_before_company_answer(self):
        self.Consent.record(self.company_a, "phone", "opt_out")
        allowed, _excluded = self.Consent.check(self.contact_a, "phone")
        self.assertFalse(allowed)  # the company said no, for its people too
        self.Consent.record(self.contact_a, "phone", "opt_in", source="phone")
        allowed, _excluded = self.Consent.check(self.contact_a | self.company_a,
                                                "phone")
        self.assertEqual(allowed, self.contact_a)

    def test_opt_in_channels_need_a_yes(self):
        # SMS is an opt-in channel by default, e-mail an opt-out one
        allowed, excluded = self.Consent.check(self.company_b, "sms")
        self.assertFalse(allowed)
        self.assertEqual(excluded, {self.company_b.id: "no opt-in on record"})
        allowed, _excluded = self.Consent.check(self.company_b, "email")
        self.assertEqual(allowed, self.company_b)
        self.env.user.company_id.consent_email_mode = "opt_in"
        allowed, _excluded = self.Consent.check(self.company_b, "email")
        self.assertFalse(allowed)

    def test_purposes_are_separate(self):
        self.Consent.record(self.company_a, "email", "opt_out", purpose="marketing")
        allowed, _excluded = self.Consent.check(self.company_a, "email",
                                                purpose="service")
        self.assertEqual(allowed, self.company_a)

    def test_ledger_is_append_only(self):
        event = self.Consent.sudo(self.rep1).create({
            "partner_id": self.company_a.id, "channel": "sms", "status": "opt_in"})
        self.assertEqual(event.user_id, self.rep1)
        with self.assertRaisesRegex(AccessError, "append-only"):
            event.sudo(self.rep1).write({"status": "opt_out"})
        with self.assertRaises(AccessError):
            event.sudo(self.rep1).unlink()
        self.assertEqual(event.status, "opt_in")
        admin = self.new_user("consent_admin", ["crm_core.group_crm_admin"])
        event.sudo(admin).write({"note": "corrected typo"})

    def test_ledger_follows_the_customer_scope(self):
        mine = self.Consent.record(self.company_a, "email", "opt_in")
        theirs = self.Consent.record(self.company_b, "email", "opt_in")
        visible = self.Consent.sudo(self.rep1).search(
            [("id", "in", (mine | theirs).ids)])
        self.assertEqual(visible, mine)
        with self.assertRaises(AccessError):
            theirs.sudo(self.rep1).read(["status"])
        with self.assertRaises(AccessError):
            self.Consent.sudo(self.rep1).create({
                "partner_id": self.company_b.id, "channel": "sms",
                "status": "opt_out"})
