"""The customer portal's tickets (网络自助服务) over real HTTP, logged in as a portal
user created here: the list shows only their company's tickets, another company's
ticket is a 404 (never a 500), a ticket page shows its progress, expected
resolution time in the user's time zone and assignee, the form creates a ticket
and a bad submission writes nothing and names the field; a customer's message on
the portal resumes a ticket waiting for them. Plus the same isolation at the ORM
level, as the portal user."""
import re

import requests
from odoo.exceptions import AccessError

from odoo.addons.crm_core.tests.http_case import ClientErrorsQuietHandler, HttpCase

from .common import ServiceCase

PASSWORD = "chan-portal-Pa55"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def company_with_contact(env, name, contact):
    company = env["res.partner"].create({"name": name, "is_company": True})
    person = env["res.partner"].create(
        {"name": contact, "parent_id": company.id,
         "email": "%s@example.com" % contact.lower().replace(" ", ".")})
    return company, person


class TestPortalHttp(HttpCase):

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        env = cls.env
        env["crm.service.dispatch.rule"].search([]).write({"active": False})
        cls.company_a, cls.contact_a = company_with_contact(
            env, "Chan Portal Company A", "Anna Portal")
        cls.colleague_a = env["res.partner"].create(
            {"name": "Colleague of Anna", "parent_id": cls.company_a.id})
        cls.company_b, cls.contact_b = company_with_contact(
            env, "Chan Portal Company B", "Bert Portal")
        cls.user = cls.new_user("chan_portal_http", ["base.group_portal"],
                                partner_id=cls.contact_a.id, password=PASSWORD,
                                tz="Asia/Shanghai", lang="en_US")
        cls.agent = cls.new_user("chan_portal_agent", ["crm_core.group_service_agent"],
                                 name="Agent Zhou", password=PASSWORD)
        cls.category = env["crm.service.category"].create({"name": "Chan Portal Cat"})
        Ticket = env["crm.service.ticket"]
        cls.mine = Ticket.create({
            "name": "Spindle alarm on line 2", "partner_id": cls.contact_a.id,
            "description": "The spindle stops.", "ticket_type": "fault",
            "channel": "phone"})
        cls.mine.dispatch_to(False, cls.agent)
        cls.mine.write({"resolve_deadline": "2031-03-04 02:30:00"})
        cls.colleagues = Ticket.create({
            "name": "Colleague's request", "partner_id": cls.colleague_a.id,
            "channel": "phone"})
        cls.theirs = Ticket.create({
            "name": "Company B secret", "partner_id": cls.contact_b.id,
            "channel": "phone"})

    def setUp(self):
        super(TestPortalHttp, self).setUp()
        self.session = requests.Session()

    def login(self, user=None):
        user = user or self.user
        response = self.session.post(
            "%s/web/session/authenticate" % self.base_url, timeout=60,
            json={"jsonrpc": "2.0", "method": "call", "params": {
                "db": self.cr.dbname, "login": user.login, "password": PASSWORD}})
        self.assertEqual(response.json()["result"]["uid"], user.id)

    def get(self, path, **kwargs):
        with self.served():
            self.login()
            return self.session.get(self.base_url + path, timeout=60, **kwargs)

    def counts(self):
        self.cr.execute("SELECT (SELECT count(*) FROM crm_service_ticket), "
                        "(SELECT count(*) FROM mail_message), "
                        "(SELECT count(*) FROM mail_mail)")
        return self.cr.fetchone()

    def test_the_list_shows_the_company_tickets_only(self):
        response = self.get("/my/tickets")
        self.assertEqual(response.status_code, 200, response.text[:2000])
        self.assertIn(self.mine.number, response.text)
        self.assertIn(self.colleagues.number, response.text)
        self.assertNotIn(self.theirs.number, response.text)
        self.assertNotIn("Company B secret", response.text)
        closed = self.get("/my/tickets?filterby=closed&sortby=number")
        self.assertEqual(closed.status_code, 200)
        self.assertNotIn(self.mine.number, closed.text)
        odd = self.get("/my/tickets?filterby=nonsense&sortby=nonsense&page=x")
        self.assertEqual(odd.status_code, 200)
        self.assertIn(self.mine.number, odd.text)

    def test_home_counts_the_tickets(self):
        response = self.get("/my/home")
        self.assertEqual(response.status_code, 200)
        entry = re.search(r'o_portal_service_tickets">\s*<span class="badge">(\d+)',
                          response.text)
        self.assertTrue(entry, "no Service Tickets entry on /my/home")
        expected = self.env["crm.service.ticket"].search_count(
            [("commercial_partner_id", "=", self.company_a.id)])
        self.assertGreaterEqual(expected, 2)
        self.assertEqual(entry.group(1), str(expected))

    def test_another_company_ticket_is_not_found(self):
        for ticket_id in (self.theirs.id, 987654321, 99999999999):
            response = self.get("/my/tickets/%d" % ticket_id)
            self.assertIn(response.status_code, (403, 404), ticket_id)
            self.assertNotIn("Company B secret", response.text)

    def test_a_ticket_page_shows_progress_deadline_and_assignee(self):
        response = self.get(self.mine.portal_url)
        self.assertEqual(response.status_code, 200, response.text[:2000])
        page = response.text
        self.assertIn(self.mine.number, page)
        self.assertIn("Spindle alarm on line 2", page)
        self.assertIn("The spindle stops.", page)
        self.assertIn("Agent Zhou", page)
        # 02:30 UTC is 10:30 in Shanghai
        self.assertIn("2031-03-04 10:30 (Asia/Shanghai)", page)
        current = re.search(
            r'data-state="(\w+)"\s+class="o_portal_ticket_step o_step_current', page)
        self.assertEqual(current.group(1), "dispatched")
        self.assertIn('data-res_model="crm.service.ticket"', page, "the chatter")

    def new_form(self):
        response = self.session.get(self.base_url + "/my/tickets/new", timeout=60)
        self.assertEqual(response.status_code, 200, response.text[:2000])
        return CSRF_RE.search(response.text).group(1)

    def test_submitting_the_form_creates_a_ticket(self):
        with self.served():
            self.login()
            token = self.new_form()
            response = self.session.post(self.base_url + "/my/tickets/new", data={
                "csrf_token": token, "name": "Hydraulic pressure unstable",
                "description": "Pressure swings between 4 and 6 MPa.",
                "ticket_type": "fault", "category_id": str(self.category.id),
                "contact_phone": "+86 139 0000 1111"}, timeout=60)
        self.assertEqual(response.status_code, 200, response.text[:2000])
        self.assertIn("Hydraulic pressure unstable", response.text)
        self.assertIn("your ticket was received", response.text)
        ticket = self.env["crm.service.ticket"].search(
            [("name", "=", "Hydraulic pressure unstable")])
        self.assertEqual(len(ticket), 1)
        self.assertIn("/my/tickets/%d" % ticket.id, response.url)
        self.assertEqual(ticket.channel, "portal")
        self.assertEqual(ticket.partner_id, self.contact_a)
        self.assertEqual(ticket.commercial_partner_id, self.company_a)
        self.assertEqual(ticket.category_id, self.category)
        self.assertEqual(ticket.ticket_type, "fault")
        self.assertEqual(ticket.contact_phone, "+86 139 0000 1111")
        self.assertIn(self.contact_a, ticket.message_partner_ids)
        self.assertTrue(self.env["mail.mail"].search([
            ("model", "=", ticket._name), ("res_id", "=", ticket.id),
            ("subject", "like", ticket.number)]), "the acknowledgement")

    def test_an_invalid_submission_writes_nothing_and_names_the_field(self):
        before = self.counts()
        cases = [
            ({"name": "", "description": "Something"}, "name", "Subject"),
            ({"name": "No text", "description": " "}, "description", "Description"),
            ({"name": "Bad type", "description": "x", "ticket_type": "refund"},
             "ticket_type", "Type"),
            ({"name": "Bad category", "description": "x", "category_id": "abc"},
             "category_id", "Category"),
            ({"name": "Forged", "description": "x",
              "partner_id": str(self.contact_b.id)}, "partner_id", "partner_id"),
        ]
        with self.served():
            self.login()
            for form, field, label in cases:
                token = self.new_form()
                response = self.session.post(
                    self.base_url + "/my/tickets/new", timeout=60,
                    data=dict(form, csrf_token=token))
                self.assertEqual(response.status_code, 400, form)
                self.assertIn('data-field="%s"' % field, response.text)
                self.assertRegex(response.text, r"%s: \w" % re.escape(label))
            no_token = self.session.post(
                self.base_url + "/my/tickets/new", timeout=60,
                data={"name": "No token", "description": "x"})
            self.assertEqual(no_token.status_code, 400)
        self.assertEqual(self.counts(), before)

    def test_the_customer_message_resumes_a_waiting_ticket(self):
        ticket = self.env["crm.service.ticket"].create({
            "name": "Waiting for the serial number", "partner_id": self.contact_a.id,
            "channel": "phone"})
        ticket.dispatch_to(False, self.agent)
        ticket.sudo(self.agent).action_start()
        ticket.sudo(self.agent).action_wait()
        with self.served():
            self.login()
            token = self.new_form()
            response = self.session.post(
                self.base_url + "/mail/chatter_post", timeout=60,
                headers={"Referer": self.base_url + ticket.portal_url},
                data={"csrf_token": token, "res_model": ticket._name,
                      "res_id": str(ticket.id), "message": "Serial number SN-4711"})
        self.assertEqual(response.status_code, 200, response.text[:2000])
        self.assertEqual(ticket.state, "in_progress")
        message = ticket.message_ids.filtered(lambda m: "SN-4711" in (m.body or ""))
        self.assertEqual(message.author_id, self.contact_a)

    def test_the_new_form_is_for_portal_users(self):
        with self.served():
            self.login(self.agent)
            response = self.session.get(self.base_url + "/my/tickets/new", timeout=60)
        self.assertEqual(response.status_code, 404)


class TestPortalRecordRules(ServiceCase):
    """The same isolation through the ORM, as a portal user."""

    @classmethod
    def setUpClass(cls):
        super(TestPortalRecordRules, cls).setUpClass()
        cls.company_a, cls.contact_a = company_with_contact(
            cls.env, "Chan ORM Company A", "Alice Orm")
        cls.company_b, cls.contact_b = company_with_contact(
            cls.env, "Chan ORM Company B", "Bob Orm")
        cls.portal = cls.new_user("chan_portal_orm", ["base.group_portal"],
                                  partner_id=cls.contact_a.id)
        cls.own = cls.ticket(name="Own", partner_id=cls.company_a.id,
                             category_id=False, team_id=cls.team.id)
        cls.contacts = cls.ticket(name="Contact's", partner_id=cls.contact_a.id,
                                  category_id=False, team_id=cls.team.id)
        cls.foreign = cls.ticket(name="Foreign", partner_id=cls.contact_b.id,
                                 category_id=False, team_id=cls.team.id)

    def test_portal_user_reads_own_company_only(self):
        Ticket = self.env["crm.service.ticket"].sudo(self.portal)
        self.assertEqual(Ticket.search([]), self.own | self.contacts)
        self.assertEqual(self.own.sudo(self.portal).name, "Own")
        with self.assertRaises(AccessError):
            self.foreign.sudo(self.portal).read(["name"])

    def test_portal_user_writes_nothing(self):
        with self.assertRaises(AccessError):
            self.own.sudo(self.portal).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.env["crm.service.ticket"].sudo(self.portal).create(
                {"name": "Direct", "partner_id": self.contact_a.id})
        with self.assertRaises(AccessError):
            self.own.sudo(self.portal).unlink()

    def test_portal_user_posts_but_does_not_see_internal_notes(self):
        self.own.message_post(body="Internal: customer is difficult",
                              message_type="comment", subtype="mail.mt_note")
        self.own.sudo(self.portal).message_post(
            body="Any news?", message_type="comment", subtype="mail.mt_comment")
        messages = self.env["mail.message"].sudo(self.portal).search([
            ("model", "=", self.own._name), ("res_id", "=", self.own.id)])
        bodies = messages.mapped("body")
        self.assertTrue(any("Any news?" in body for body in bodies))
        self.assertFalse(any("difficult" in body for body in bodies))
        with self.assertRaises(AccessError):
            self.foreign.sudo(self.portal).message_post(body="Sneaky")
