"""Customer care skips customers with an open complaint (§3-12): their contacts'
birthdays get no action while the complaint is open; an open fault ticket does
not block care."""
import datetime

from odoo import fields

from .common import ServiceCase


class TestCareSkipsComplaints(ServiceCase):

    @classmethod
    def setUpClass(cls):
        super(TestCareSkipsComplaints, cls).setUpClass()
        cls.today = datetime.date(2026, 5, 10)
        Partner = cls.env["res.partner"]
        cls.customer.customer = True
        cls.calm = Partner.create({"name": "Calm Customer Co", "is_company": True,
                                   "customer": True})
        cls.angry_contact = Partner.create({
            "name": "Angry Buyer", "parent_id": cls.customer.id,
            "birthday": "1980-05-11"})
        cls.calm_contact = Partner.create({
            "name": "Calm Buyer", "parent_id": cls.calm.id,
            "birthday": "1985-05-12"})
        cls.rule = cls.env["crm.care.rule"].create({
            "name": "Birthday call", "occasion": "birthday", "days_before": 3,
            "action_type": "call"})

    def actions(self):
        return self.env["crm.care.action"].search([("rule_id", "=", self.rule.id)])

    def test_open_complaint_skips_the_customer_and_its_contacts(self):
        self.ticket(ticket_type="complaint", name="Late delivery")
        self.ticket(partner_id=self.calm.id, ticket_type="fault")
        self.assertIn(self.customer.id,
                      self.env["res.partner"]._crm_care_blocked_partner_ids())
        self.rule._generate(self.today)
        self.assertEqual(self.actions().mapped("partner_id"), self.calm_contact)
        self.assertEqual(self.actions().care_date,
                         fields.Date.to_string(datetime.date(2026, 5, 12)))

    def test_without_complaint_both_are_cared_for(self):
        self.rule._generate(self.today)
        self.assertEqual(self.actions().mapped("partner_id"),
                         self.angry_contact | self.calm_contact)
