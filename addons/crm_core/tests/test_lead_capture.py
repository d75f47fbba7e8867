"""Web-form lead capture over real HTTP: a website posts JSON or a form to
/crm_core/lead/<token>; good posts become assigned leads (or a note on the open
lead with the same phone or e-mail), bad ones get 400 naming the field and write
nothing, unknown or closed forms 404/401, never 500. The form page renders in the
visitor's language. Plus the input rules (no database) and the record rules."""
import json
import unittest

import requests
from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import SavepointCase

from ..lib.lead_capture import CaptureError, validate
from .common import CrmTestMixin
from .http_case import ClientErrorsQuietHandler, HttpCase

SALESMAN = ["base.group_user", "sales_team.group_sale_salesman"]
ALL_FIELDS = {"company", "phone", "email", "subject", "message"}


class TestValidate(unittest.TestCase):

    def test_clean_values(self):
        clean = validate({"name": "  王芳 ", "phone": "138-0013-8000",
                          "email": " Wang.Fang@Example.CN ", "company": "",
                          "message": "第一行\n第二行"}, ALL_FIELDS)
        self.assertEqual(clean, {"name": "王芳", "phone": "+8613800138000",
                                 "email": "wang.fang@example.cn",
                                 "message": "第一行\n第二行"})

    def test_each_problem_names_its_field(self):
        cases = [
            ({"phone": "13800138000"}, "name", "is required"),
            ({"name": "A"}, "phone", "give a phone number or an e-mail"),
            ({"name": "A", "phone": "12"}, "phone", "is not a phone number"),
            ({"name": "A", "email": "a@b"}, "email", "is not an e-mail address"),
            ({"name": "A" * 65, "phone": "13800138000"}, "name", "longer than 64"),
            ({"name": "A", "phone": "13800138000", "company": "C" * 129}, "company",
             "longer than 128"),
            ({"name": "A", "phone": "13800138000", "age": "3"}, "age",
             "not a field"),
            ({"name": 5, "phone": "13800138000"}, "name", "must be text"),
            ({"name": "A\x00B", "phone": "13800138000"}, "name", "control character"),
            ({"name": "A", "phone": "13800138000", "subject": "a\nb"}, "subject",
             "control character"),
        ]
        for payload, field, message in cases:
            with self.assertRaises(CaptureError) as caught:
                validate(payload, ALL_FIELDS)
            self.assertEqual(caught.exception.field, field, payload)
            self.assertIn(message, str(caught.exception))
        with self.assertRaisesRegex(CaptureError, "subject: is not accepted"):
            validate({"name": "A", "phone": "13800138000", "subject": "x"},
                     {"phone"})
        with self.assertRaisesRegex(CaptureError, "email: give a phone number"):
            validate({"name": "A"}, {"email"})

    def test_foreign_numbers_keep_their_country(self):
        clean = validate({"name": "Anna", "phone": "+49 30 1234567"}, ALL_FIELDS)
        self.assertEqual(clean["phone"], "+49301234567")


class TestLeadCaptureHttp(HttpCase):
    """The capture address over real HTTP, served from the test's own
    transaction (see http_case)."""

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        cls.team = cls.env["crm.team"].create({"name": "Capture Team",
                                               "use_leads": True})
        cls.rep1 = cls.new_user("capture_rep1", SALESMAN, sale_team_id=cls.team.id)
        cls.rep2 = cls.new_user("capture_rep2", SALESMAN, sale_team_id=cls.team.id)
        cls.rule = cls.env["crm.assignment.rule"].create({
            "name": "Capture Rule", "team_id": cls.team.id,
            "member_ids": [(0, 0, {"user_id": user.id})
                           for user in cls.rep1 | cls.rep2]})
        cls.source = cls.env["utm.source"].create({"name": "Capture Website"})
        cls.campaign = cls.env["utm.campaign"].create({"name": "Capture Spring"})
        cls.medium = cls.env.ref("utm.utm_medium_website")
        cls.form = cls.env["crm.lead.capture"].create({
            "name": "Capture Contact Form", "team_id": cls.team.id,
            "source_id": cls.source.id, "medium_id": cls.medium.id,
            "campaign_id": cls.campaign.id})
        cls.closed = cls.env["crm.lead.capture"].create({
            "name": "Capture Closed Form", "team_id": cls.team.id, "active": False})
        cls.existing = cls.env["crm.lead"].create({
            "name": "Capture Existing", "team_id": cls.team.id,
            "user_id": cls.rep1.id, "phone": "+86 138 0013 8000",
            "email_from": "known@example.cn"})
        cls.won = cls.env["crm.lead"].create({
            "name": "Capture Won", "team_id": cls.team.id, "user_id": cls.rep2.id,
            "phone": "+86 139 0000 1111", "probability": 100})

    def request(self, method, token, **kwargs):
        """One HTTP request to the form's address."""
        with self.served():
            return requests.request(method, "%s/crm_core/lead/%s" % (
                self.base_url, token), timeout=60, **kwargs)

    def post(self, payload, token=None, **kwargs):
        return self.request("POST", token or self.form.token, json=payload, **kwargs)

    def leads_of_form(self):
        return self.env["crm.lead"].search([("capture_id", "=", self.form.id)])

    def counts(self):
        """What a refused post must leave as it was."""
        self.cr.execute("SELECT (SELECT count(*) FROM crm_lead), "
                        "(SELECT count(*) FROM mail_message), "
                        "(SELECT count(*) FROM crm_assignment_log)")
        return self.cr.fetchone()

    def test_a_json_post_creates_an_assigned_lead(self):
        response = self.post({"name": "赵磊", "company": "苏州示例精密机械有限公司",
                              "phone": "0512-6588 1234", "email": "Zhao.Lei@Example.CN",
                              "message": "需要报价"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"status": "received"})
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        lead = self.leads_of_form().filtered(lambda lead: lead.contact_name == "赵磊")
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.name, "苏州示例精密机械有限公司 - Capture Contact Form")
        self.assertEqual(lead.type, "lead")
        self.assertEqual((lead.phone, lead.phone_sanitized),
                         ("+8651265881234", "+8651265881234"))
        self.assertEqual(lead.email_from, "zhao.lei@example.cn")
        self.assertEqual(lead.partner_name, "苏州示例精密机械有限公司")
        self.assertEqual(lead.description, "需要报价")
        self.assertEqual((lead.team_id, lead.source_id, lead.medium_id,
                          lead.campaign_id),
                         (self.team, self.source, self.medium, self.campaign))
        self.assertIn(lead.user_id, self.rep1 | self.rep2)
        self.assertEqual(lead.assignment_rule_id, self.rule)
        log = lead.assignment_log_ids
        self.assertEqual((len(log), log.trigger, log.user_id),
                         (1, "form", lead.user_id))

    def test_a_form_encoded_post_creates_a_lead(self):
        response = self.request("POST", self.form.token, data={
            "name": "Anna Schmidt", "email": "anna@example.de",
            "subject": "", "message": "Please call back"})
        # a field the form does not take is refused, even empty
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["field"], "subject")
        response = self.request("POST", self.form.token, data={
            "name": "Anna Schmidt", "email": "anna@example.de",
            "message": "Please call back"})
        self.assertEqual(response.status_code, 200, response.text)
        lead = self.leads_of_form().filtered(
            lambda lead: lead.contact_name == "Anna Schmidt")
        self.assertEqual((lead.email_from, lead.name),
                         ("anna@example.de", "Anna Schmidt - Capture Contact Form"))

    def test_bad_input_is_400_naming_the_field_and_writes_nothing(self):
        before = self.counts()
        good = {"name": "王芳", "phone": "13800138001"}
        cases = [
            (dict(good, phone="12"), "phone"),
            (dict(good, email="wang@"), "email"),
            ({"phone": "13800138001"}, "name"),
            ({"name": "王芳"}, "phone"),
            (dict(good, company="公" * 129), "company"),
            (dict(good, name="N" * 65), "name"),
            (dict(good, age="33"), "age"),
            (dict(good, subject="Quote"), "subject"),  # not allowed by this form
            (dict(good, name=["a", "b"]), "name"),
            (dict(good, name="A\x00B"), "name"),
            ([good], "body"),
            ("王芳", "body"),
        ]
        for payload, field in cases:
            response = self.post(payload)
            self.assertEqual(response.status_code, 400, (payload, response.text))
            body = response.json()
            self.assertEqual(body["field"], field, payload)
            self.assertTrue(body["error"].startswith(field + ": "), body)
        for raw, content_type in ((b"{not json", "application/json"),
                                  (b"\xff\xfe", "application/json")):
            response = self.request("POST", self.form.token, data=raw,
                                    headers={"Content-Type": content_type})
            self.assertEqual(response.status_code, 400, response.text)
            self.assertEqual(response.json()["field"], "body")
        response = self.request("POST", self.form.token,
                                data=[("name", "A"), ("name", "B"),
                                      ("phone", "13800138001")])
        self.assertEqual((response.status_code, response.json()["field"]),
                         (400, "name"))
        response = self.request("POST", self.form.token, data={
            "name": "A", "phone": "13800138001", "message": "x" * 70000})
        self.assertEqual(response.status_code, 413)
        self.assertEqual(self.counts(), before)

    def test_unknown_and_closed_forms(self):
        before = self.counts()
        good = {"name": "王芳", "phone": "13800138002"}
        for token in ("x" * 32, "short", "bad token with spaces and more"):
            response = self.post(good, token=token)
            self.assertEqual(response.status_code, 404, token)
            self.assertEqual(response.json(), {"error": "unknown form"})
        response = self.post(good, token=self.closed.token)
        self.assertEqual((response.status_code, response.json()),
                         (401, {"error": "this form is closed"}))
        self.assertEqual(self.request("GET", self.closed.token).status_code, 401)
        # a new address: the old one stops at once
        form = self.env["crm.lead.capture"].create({"name": "Capture Renewed Form",
                                                    "team_id": self.team.id})
        old = form.token
        self.assertEqual(self.request("GET", old).status_code, 200)
        form.action_regenerate_token()
        self.assertNotEqual(form.token, old)
        self.assertEqual(self.post(good, token=old).status_code, 404)
        self.assertEqual(self.counts()[0], before[0])

    def test_a_duplicate_becomes_a_note_on_the_open_lead(self):
        count = self.env["crm.lead"].search_count([])
        notes = len(self.existing.message_ids)
        response = self.post({"name": "王芳", "phone": "138-0013-8000",
                              "message": "还想要一份报价"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json(), {"status": "received"})
        response = self.post({"name": "王芳", "email": "KNOWN@example.cn"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.env["crm.lead"].search_count([]), count)
        messages = self.existing.message_ids
        self.assertEqual(len(messages), notes + 2)
        newest = messages.sorted("id")[-1]
        self.assertIn("Capture Contact Form", newest.body)
        self.assertIn("known@example.cn", newest.body)
        self.assertIn(self.rep1.partner_id, newest.partner_ids)
        self.assertIn("还想要一份报价", messages.sorted("id")[-2].body)
        # a won lead is no longer open: the same phone makes a new lead
        response = self.post({"name": "Returning", "phone": "13900001111"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.env["crm.lead"].search_count([]), count + 1)

    def test_the_form_page_in_english_and_chinese(self):
        response = self.request("GET", self.form.token,
                                headers={"Accept-Language": "en-US"})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertTrue(response.headers["Content-Type"].startswith("text/html"))
        page = response.text
        self.assertIn('action="/crm_core/lead/%s"' % self.form.token, page)
        self.assertIn("Capture Contact Form", page)
        self.assertIn("Your Name", page)
        for field in ("name", "company", "phone", "email", "message"):
            self.assertIn('name="%s"' % field, page)
        self.assertNotIn('name="subject"', page)
        # the labels are translated terms of the page's view
        view = self.env.ref("crm_core.lead_capture_form")
        Translation = self.env["ir.translation"]
        found = Translation.search([
            ("name", "=", "ir.ui.view,arch_db"), ("res_id", "=", view.id),
            ("lang", "=", "zh_CN"), ("src", "=", "Your Name")])
        if not found:
            Translation.create({"type": "model", "name": "ir.ui.view,arch_db",
                                "res_id": view.id, "lang": "zh_CN",
                                "src": "Your Name", "value": "您的姓名",
                                "state": "translated"})
        expected = found.value or "您的姓名"
        response = self.request("GET", self.form.token, params={"lang": "zh_CN"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(expected, response.text)
        self.assertIn('lang="zh-CN"', response.text)

    def test_cors_preflight(self):
        response = self.request("OPTIONS", self.form.token, headers={
            "Origin": "https://www.example.cn",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        self.assertIn("Content-Type", response.headers["Access-Control-Allow-Headers"])

    def test_no_room_leaves_the_lead_unassigned_but_received(self):
        team = self.env["crm.team"].create({"name": "Capture Full Team"})
        self.env["crm.assignment.rule"].create({
            "name": "Capture Full Rule", "team_id": team.id,
            "member_ids": [(0, 0, {"user_id": user.id, "capacity": 1,
                                   "capacity_period": "total"})
                           for user in self.rep1 | self.rep2]})
        form = self.env["crm.lead.capture"].create({"name": "Capture Full Form",
                                                    "team_id": team.id})
        for index in range(3):
            response = self.post({"name": "Full %d" % index,
                                  "email": "full%d@example.cn" % index},
                                 token=form.token)
            self.assertEqual(response.status_code, 200, response.text)
        leads = self.env["crm.lead"].search([("capture_id", "=", form.id)])
        self.assertEqual(len(leads), 3)
        self.assertEqual(len(leads.filtered("user_id")), 2)
        self.assertEqual(leads.mapped("user_id"), self.rep1 | self.rep2)

    def test_json_responses_are_json(self):
        response = self.post({"name": "X", "phone": "1"})
        self.assertEqual(response.headers["Content-Type"],
                         "application/json; charset=utf-8")
        self.assertEqual(json.loads(response.content.decode("utf-8"))["field"],
                         "phone")


class TestLeadCaptureSecurity(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestLeadCaptureSecurity, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       lang="en_US"))
        cls.team = cls.env["crm.team"].create({"name": "Capture Sec Team"})
        cls.other_team = cls.env["crm.team"].create({"name": "Capture Sec Other"})
        cls.leader = cls.new_user(
            "capture_sec_leader",
            ["base.group_user", "crm_core.group_sale_team_leader"],
            sale_team_id=cls.team.id)
        cls.rep = cls.new_user("capture_sec_rep", SALESMAN, sale_team_id=cls.team.id)
        cls.manager = cls.new_user(
            "capture_sec_manager", ["base.group_user", "sales_team.group_sale_manager"])
        Capture = cls.env["crm.lead.capture"]
        cls.form = Capture.create({"name": "Own Form", "team_id": cls.team.id})
        cls.other = Capture.create({"name": "Other Form",
                                    "team_id": cls.other_team.id})

    def test_team_leader_reads_own_team_forms_only(self):
        forms = self.form | self.other
        found = forms.sudo(self.leader).search([("id", "in", forms.ids)])
        self.assertEqual(found, self.form)
        self.assertTrue(self.form.sudo(self.leader).url.endswith(self.form.token))
        with self.assertRaises(AccessError):
            self.other.sudo(self.leader).read(["name"])

    def test_team_leader_and_rep_cannot_change_forms(self):
        with self.assertRaises(AccessError):
            self.form.sudo(self.leader).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.form.sudo(self.leader).action_regenerate_token()
        with self.assertRaises(AccessError):
            self.env["crm.lead.capture"].sudo(self.rep).search([])

    def test_manager_creates_and_renews_forms(self):
        form = self.env["crm.lead.capture"].sudo(self.manager).create(
            {"name": "Manager Form", "team_id": self.other_team.id})
        old = form.token
        self.assertGreaterEqual(len(old), 32)
        form.action_regenerate_token()
        self.assertNotEqual(form.token, old)
        copy = form.copy()
        self.assertNotEqual(copy.token, form.token)

    def test_a_form_needs_a_phone_or_email_field(self):
        with self.assertRaisesRegex(ValidationError, "Own Form.*phone or an e-mail"), \
                self.env.cr.savepoint():
            self.form.write({"allow_phone": False, "allow_email": False})
        self.form.invalidate_cache()
        self.assertTrue(self.form.allow_phone)
