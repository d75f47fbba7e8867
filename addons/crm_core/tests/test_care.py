"""Customer care (E1, E2, §3-12): a birthday tomorrow gets one action with a
reminder for the customer's salesperson, however often the daily job runs;
levels, holidays, anniversaries and yearly budgets per level; e-mails and SMS
go out on the day to those who agreed; who sees and changes what. (The skip of
customers with an open complaint is tested with the service addon.)"""
import datetime

from odoo.exceptions import AccessError, ValidationError

from .marketing_fixtures import MarketingCase

TODAY = datetime.date(2026, 5, 10)


class CareCase(MarketingCase):

    @classmethod
    def setUpClass(cls):
        super(CareCase, cls).setUpClass()
        cls.gold = cls.env.ref("crm_core.dictionary_customer_level_a")
        cls.silver = cls.env.ref("crm_core.dictionary_customer_level_b")
        Partner = cls.env["res.partner"]
        cls.gold_co = Partner.create({
            "name": "Care Gold Co", "is_company": True, "customer": True,
            "customer_level_id": cls.gold.id, "user_id": cls.rep.id,
            "founding_date": "2016-05-12", "email": "gold@example.com"})
        cls.gold_buyer = Partner.create({
            "name": "Care Gold Buyer", "parent_id": cls.gold_co.id,
            "birthday": "1980-05-11", "mobile": "13700000001",
            "email": "buyer@gold.example.com"})
        cls.silver_co = Partner.create({
            "name": "Care Silver Co", "is_company": True, "customer": True,
            "customer_level_id": cls.silver.id, "founding_date": "2026-05-12"})
        cls.silver_buyer = Partner.create({
            "name": "Care Silver Buyer", "parent_id": cls.silver_co.id,
            "birthday": "1990-05-12"})
        cls.ours = (cls.gold_co | cls.gold_buyer | cls.silver_co | cls.silver_buyer)

    def rule(self, **vals):
        values = {"name": "Care rule", "occasion": "birthday", "days_before": 3,
                  "action_type": "call", "user_id": self.marketer.id}
        values.update(vals)
        return self.env["crm.care.rule"].create(values)

    def actions(self, rule):
        return self.env["crm.care.action"].search([("rule_id", "=", rule.id),
                                                   ("partner_id", "in", self.ours.ids)])


class TestCareCalendar(CareCase):

    def test_birthday_tomorrow_gets_one_action_with_a_reminder(self):
        rule = self.rule(level_ids=[(6, 0, self.gold.ids)])
        rule._generate(TODAY)
        rule._generate(TODAY)
        rule._generate(TODAY + datetime.timedelta(days=1))
        action = self.actions(rule)
        self.assertEqual(len(action), 1, "safe to run twice")
        self.assertEqual((action.partner_id, action.care_date, action.user_id,
                          action.level_id, action.occasion),
                         (self.gold_buyer, "2026-05-11", self.rep, self.gold,
                          "birthday"))
        reminder = action.activity_ids
        self.assertEqual(len(reminder), 1)
        self.assertEqual((reminder.user_id, reminder.date_deadline,
                          reminder.activity_type_id),
                         (self.rep, "2026-05-11",
                          self.env.ref("mail.mail_activity_data_call")))
        action.sudo(self.rep).action_done()
        self.assertEqual(action.state, "done")
        self.assertFalse(action.activity_ids)

    def test_all_levels_and_the_responsible_as_fallback_owner(self):
        rule = self.rule()
        rule._generate(TODAY)
        actions = self.actions(rule)
        self.assertEqual(actions.mapped("partner_id"),
                         self.gold_buyer | self.silver_buyer)
        silver = actions.filtered(lambda a: a.partner_id == self.silver_buyer)
        self.assertEqual(silver.user_id, self.marketer, "no salesperson")

    def test_company_anniversary_skips_year_zero(self):
        rule = self.rule(occasion="founding")
        rule._generate(TODAY)
        self.assertEqual(self.actions(rule).mapped("partner_id"), self.gold_co)

    def test_holiday_greets_customers_not_contacts(self):
        holiday = self.env["crm.care.holiday"].create({
            "name": "Test Festival", "date_ids": [(0, 0, {"date": "2026-05-12"}),
                                                  (0, 0, {"date": "2027-05-01"})]})
        rule = self.rule(occasion="holiday", holiday_id=holiday.id)
        rule._generate(TODAY)
        actions = self.actions(rule)
        self.assertEqual(actions.mapped("partner_id"), self.gold_co | self.silver_co)
        self.assertEqual(set(actions.mapped("care_date")), {"2026-05-12"})
        with self.assertRaisesRegex(ValidationError, "Holiday"), \
                self.env.cr.savepoint():
            self.rule(occasion="holiday")

    def test_yearly_budget_per_level(self):
        other_gold = self.env["res.partner"].create({
            "name": "Care Gold Two", "is_company": True, "customer": True,
            "customer_level_id": self.gold.id, "founding_date": "2010-05-13"})
        self.ours |= other_gold
        rule = self.rule(occasion="founding", cost=100.0, budget_ids=[
            (0, 0, {"level_id": self.gold.id, "amount": 150.0})])
        rule._generate(TODAY)
        self.assertEqual(self.actions(rule).mapped("partner_id"), self.gold_co,
                         "the earliest date first; the second is over budget")
        self.actions(rule).action_cancel()
        rule._generate(TODAY)
        self.assertIn(other_gold, self.actions(rule).mapped("partner_id"),
                      "a cancelled action gives its budget back")


class TestCareExecution(CareCase):

    def test_sms_on_the_day_to_those_who_agreed(self):
        gateway = self.env["crm.sms.gateway"].create({"name": "Care SMS"})
        self.env["crm.consent"].record(self.gold_buyer, "sms", "opt_in",
                                       source="form")
        rule = self.rule(action_type="sms", sms_gateway_id=gateway.id,
                         sms_body="{name}，生日快乐！")
        rule._generate(TODAY)
        self.assertEqual(self.env["crm.care.action"]._execute_due(TODAY), 0,
                         "not before the day")
        day = datetime.date(2026, 5, 12)
        self.env["crm.care.action"]._execute_due(day)
        actions = {a.partner_id: a for a in self.actions(rule)}
        sent = actions[self.gold_buyer]
        self.assertEqual(sent.state, "done")
        self.assertEqual((sent.sms_message_id.state, sent.sms_message_id.body),
                         ("queued", "Care Gold Buyer，生日快乐！"))
        refused = actions[self.silver_buyer]
        self.assertEqual((refused.state, refused.note),
                         ("cancelled", "no mobile number"))

    def test_email_on_the_day_unless_refused(self):
        template = self.env["mail.template"].create({
            "name": "Care Anniversary", "model_id": self.env.ref(
                "base.model_res_partner").id,
            "subject": "Happy anniversary", "body_html": "<p>Congratulations</p>"})
        rule = self.rule(occasion="founding", action_type="email",
                         mail_template_id=template.id, days_before=0)
        rule._generate(datetime.date(2026, 5, 12))
        self.env["crm.consent"].record(self.gold_co, "email", "opt_out",
                                       source="phone")
        self.env["crm.care.action"]._execute_due(datetime.date(2026, 5, 12))
        action = self.actions(rule)
        self.assertEqual((action.state, action.note),
                         ("cancelled", "consent: opted out"))
        with self.assertRaisesRegex(ValidationError, "E-mail Template"), \
                self.env.cr.savepoint():
            self.rule(action_type="email")


class TestCareSecurity(CareCase):

    def test_salespeople_see_and_do_their_own_actions(self):
        rule = self.rule()
        rule._generate(TODAY)
        actions = self.actions(rule)
        mine = actions.filtered(lambda a: a.user_id == self.rep)
        others = actions - mine
        as_rep = self.env["crm.care.action"].sudo(self.rep)
        self.assertEqual(as_rep.search([("id", "in", actions.ids)]), mine)
        with self.assertRaises(AccessError):
            as_rep.browse(others.id).action_done()
        as_rep.browse(mine.id).write({"note": "Called, sent flowers"})
        self.assertEqual(len(self.env["crm.care.action"].sudo(self.marketer).search(
            [("id", "in", actions.ids)])), 2)

    def test_only_marketing_managers_configure_care(self):
        with self.assertRaises(AccessError):
            self.env["crm.care.rule"].sudo(self.rep).create({"name": "No"})
        with self.assertRaises(AccessError):
            self.env["crm.care.rule"].sudo(self.marketer).create({"name": "No"})
        rule = self.env["crm.care.rule"].sudo(self.mkt_manager).create(
            {"name": "Managers may", "action_type": "call"})
        self.assertEqual(rule.sudo(self.rep).name, "Managers may")
        with self.assertRaises(AccessError):
            rule.sudo(self.marketer).write({"days_before": 1})
