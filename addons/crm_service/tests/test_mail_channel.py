"""The e-mail channel (电子邮件受理), through the real mail gateway
(``message_process`` on raw RFC 822 messages, as Odoo's own mail tests do): mail to
a team's alias becomes one ticket of the team for the customer found by the sender
address, who follows it and gets the acknowledgement (来件自动确认); replies thread
to the ticket and a customer's reply resumes a ticket waiting for them; an unknown
sender gets a ticket too."""
from email.header import Header

from .common import ServiceCase

MAIL = """Return-Path: <{sender}>
Delivered-To: {to}
To: {to}
From: {sender_header}
Subject: {subject}
Message-ID: {message_id}
{extra}Date: Mon, 02 Mar 2026 10:00:00 +0800
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


class TestMailChannel(ServiceCase):

    @classmethod
    def setUpClass(cls):
        super(TestMailChannel, cls).setUpClass()
        cls.team.write({"alias_name": "chan-support-test",
                        "category_ids": [(6, 0, [cls.category.id])]})
        cls.contact = cls.env["res.partner"].create({
            "name": "王芳 Wang Fang", "parent_id": cls.customer.id,
            "email": "Wang.Fang@Example.CN", "mobile": "+86 138 0013 8000"})
        cls.Ticket = cls.env["crm.service.ticket"]

    def receive(self, subject, body, sender="wang.fang@example.cn",
                sender_header=None, message_id="<chan-1@example.cn>", extra="",
                to="chan-support-test@example.com"):
        # headers are ASCII: a Chinese subject travels RFC 2047-encoded
        raw = MAIL.format(sender=sender, sender_header=sender_header or sender,
                          to=to, subject=Header(subject, "utf-8").encode(),
                          message_id=message_id,
                          extra=extra, body=body)
        return self.env["mail.thread"].message_process("crm.service.ticket", raw)

    def ack_mails(self, ticket):
        return self.env["mail.mail"].search([
            ("model", "=", ticket._name), ("res_id", "=", ticket.id),
            ("subject", "like", "We have received")])

    def test_new_mail_creates_one_acknowledged_ticket(self):
        before = self.Ticket.search_count([])
        ticket_id = self.receive("数控机床报警 E-203", "开机后主轴报警 E-203。\n请派人上门。")
        self.assertEqual(self.Ticket.search_count([]), before + 1)
        ticket = self.Ticket.browse(ticket_id)
        self.assertEqual(ticket.name, "数控机床报警 E-203")
        self.assertIn("开机后主轴报警 E-203。", ticket.description)
        self.assertIn("请派人上门。", ticket.description)
        self.assertNotIn("<", ticket.description)
        self.assertEqual(ticket.channel, "email")
        self.assertEqual(ticket.partner_id, self.contact, "found in any letter case")
        self.assertEqual(ticket.commercial_partner_id, self.customer)
        self.assertEqual(ticket.contact_phone, "+86 138 0013 8000")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.category_id, self.category)
        self.assertIn(self.contact, ticket.message_partner_ids)
        incoming = ticket.message_ids.filtered(
            lambda m: m.message_id == "<chan-1@example.cn>")
        self.assertEqual(incoming.author_id, self.contact)
        ack = self.ack_mails(ticket)
        self.assertEqual(len(ack), 1)
        self.assertEqual(ack.recipient_ids, self.contact)
        self.assertIn(ticket.number, ack.subject)
        self.assertIn(ticket.number, ack.body_html)
        self.assertIn("/my/tickets/%d" % ticket.id, ack.body_html)
        self.assertIn("我们已收到您的服务请求", ack.body_html)
        self.assertIn("We have received your request", ack.body_html)

    def test_replies_thread_and_the_customer_resumes_a_waiting_ticket(self):
        ticket = self.Ticket.browse(self.receive("Pump leaks", "Oil under the pump."))
        ticket.sudo(self.agent).action_start()
        ticket.sudo(self.agent).action_wait()
        before = self.Ticket.search_count([])
        emails = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        # an agent answering from their mailbox does not resume it
        thread_id = self.receive(
            "Re: Pump leaks", "Which serial number?", sender=self.agent.email,
            message_id="<chan-2@example.com>",
            extra="In-Reply-To: <chan-1@example.cn>\n")
        self.assertEqual(thread_id, ticket.id)
        self.assertEqual(ticket.state, "waiting")
        thread_id = self.receive(
            "Re: Pump leaks", "The serial number is SN-4711.",
            message_id="<chan-3@example.cn>",
            extra="In-Reply-To: <chan-2@example.com>\n"
                  "References: <chan-1@example.cn> <chan-2@example.com>\n")
        self.assertEqual(thread_id, ticket.id)
        self.assertEqual(self.Ticket.search_count([]), before, "no new ticket")
        replies = ticket.message_ids.filtered(
            lambda m: m.message_type == "email") - emails
        self.assertEqual(len(replies), 2)
        self.assertIn("SN-4711", replies.sorted("id")[-1].body)
        self.assertEqual(ticket.state, "in_progress")
        self.assertEqual(len(self.ack_mails(ticket)), 1, "replies are not acknowledged")

    def test_unknown_sender_gets_a_ticket_and_the_acknowledgement(self):
        ticket = self.Ticket.browse(self.receive(
            "Question about the warranty", "How long is the warranty?",
            sender="li.lei@unknown-example.cn",
            sender_header='"Li Lei" <li.lei@unknown-example.cn>',
            message_id="<chan-4@unknown-example.cn>"))
        self.assertFalse(ticket.partner_id)
        self.assertEqual(ticket.contact_name, "Li Lei")
        self.assertEqual(ticket.contact_email, "li.lei@unknown-example.cn")
        ack = self.ack_mails(ticket)
        self.assertEqual(len(ack), 1)
        self.assertEqual(ack.email_to, "li.lei@unknown-example.cn")
        self.assertFalse(ack.recipient_ids)

    def test_team_without_acknowledgement_and_portal_tickets(self):
        self.team.auto_acknowledge = False
        ticket = self.Ticket.browse(self.receive("No ack", "Please do not answer."))
        self.assertFalse(self.ack_mails(ticket))
        self.team.auto_acknowledge = True
        portal_ticket = self.ticket(name="From the portal", channel="portal",
                                    partner_id=self.contact.id)
        self.assertEqual(len(self.ack_mails(portal_ticket)), 1)
        phone_ticket = self.ticket(name="By phone", channel="phone",
                                   partner_id=self.contact.id)
        self.assertFalse(self.ack_mails(phone_ticket))
        history = self.ticket(name="Imported, long closed", channel="email",
                              partner_id=self.contact.id, state="closed")
        self.assertFalse(self.ack_mails(history))

    def test_the_alias_belongs_to_the_team(self):
        alias = self.team.alias_id
        self.assertEqual(alias.alias_model_id.model, "crm.service.ticket")
        self.assertIn("'team_id': %d" % self.team.id, alias.alias_defaults)
        team = self.env["crm.service.team"].sudo(self.manager).create(
            {"name": "Night shift", "alias_name": "chan-night-test"})
        self.assertEqual(team.alias_id.alias_name, "chan-night-test")
        self.assertTrue(team.acknowledge_template_id)
