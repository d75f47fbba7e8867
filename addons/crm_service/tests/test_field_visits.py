"""Field visits (上门服务): "Schedule Visit" opens a calendar event filled in from the
ticket (name with the number, the customer and the assignee as attendees, the
customer's address); the ticket counts its visits, and the visit is in the
assignee's calendar."""
from odoo.exceptions import AccessError

from .common import ServiceCase


class TestFieldVisits(ServiceCase):

    @classmethod
    def setUpClass(cls):
        super(TestFieldVisits, cls).setUpClass()
        cls.agent.tz = "Asia/Shanghai"
        cls.site = cls.env["res.partner"].create({
            "name": "Site Co", "is_company": True, "street": "张江路 88 号",
            "city": "上海", "country_id": cls.env.ref("base.cn").id})
        cls.site_contact = cls.env["res.partner"].create(
            {"name": "Site Contact", "parent_id": cls.site.id, "type": "other"})
        cls.visit_ticket = cls.ticket(name="Motor burnt", user_id=cls.agent.id,
                                      partner_id=cls.site_contact.id,
                                      team_id=cls.team.id)

    def schedule(self, ticket, user):
        action = ticket.sudo(user).action_schedule_visit()
        self.assertEqual(action["res_model"], "calendar.event")
        # as the form does: the defaults, then create
        events = self.env["calendar.event"].sudo(user).with_context(
            **action["context"])
        return events.create(events.default_get(
            ["name", "ticket_id", "user_id", "partner_ids", "location", "description",
             "res_model_id", "res_id", "start", "stop", "duration"]))

    def test_schedule_visit_fills_the_event_in(self):
        visit = self.schedule(self.visit_ticket, self.agent)
        self.assertEqual(visit.name, "Field Visit %s" % self.visit_ticket.number)
        self.assertEqual(visit.ticket_id, self.visit_ticket)
        self.assertEqual(visit.user_id, self.agent)
        self.assertEqual(visit.partner_ids,
                         self.site_contact | self.agent.partner_id)
        self.assertEqual(visit.location, "张江路 88 号, 上海, China")
        self.assertEqual((visit.res_model, visit.res_id),
                         ("crm.service.ticket", self.visit_ticket.id))
        # tomorrow 09:00 in Shanghai is 01:00 UTC, for two hours
        self.assertTrue(visit.start.endswith("01:00:00"), visit.start)
        self.assertTrue(visit.stop.endswith("03:00:00"), visit.stop)

    def test_visits_are_counted_and_listed(self):
        self.assertEqual(self.visit_ticket.field_visit_count, 0)
        first = self.visit_ticket.schedule_visit("2026-12-01 01:00:00",
                                                 "2026-12-01 03:00:00")
        second = self.visit_ticket.schedule_visit("2026-12-08 01:00:00",
                                                  "2026-12-08 03:00:00")
        other = self.ticket(name="Other", team_id=self.team.id)
        other.schedule_visit("2026-12-02 01:00:00", "2026-12-02 03:00:00")
        self.visit_ticket.invalidate_cache()
        self.assertEqual(self.visit_ticket.field_visit_count, 2)
        self.assertEqual((self.visit_ticket | other).mapped("field_visit_count"),
                         [2, 1])
        action = self.visit_ticket.action_view_field_visits()
        self.assertEqual(self.env["calendar.event"].search(action["domain"]),
                         first | second)

    def test_the_visit_is_in_the_assignee_calendar_only(self):
        visit = self.visit_ticket.schedule_visit("2026-12-01 01:00:00",
                                                 "2026-12-01 03:00:00")
        mine = [("partner_ids", "in", [self.agent.partner_id.id])]
        events = self.env["calendar.event"]
        self.assertIn(visit, events.sudo(self.agent).search(mine))
        theirs = [("partner_ids", "in", [self.outsider.partner_id.id])]
        self.assertNotIn(visit, events.sudo(self.outsider).search(theirs))

    def test_only_who_may_see_the_ticket_schedules(self):
        with self.assertRaises(AccessError):
            self.visit_ticket.sudo(self.outsider).action_schedule_visit()
        unassigned = self.ticket(name="Nobody yet", team_id=self.team.id,
                                 partner_id=False)
        visit = self.schedule(unassigned, self.agent2)
        self.assertEqual(visit.user_id, self.agent2, "the scheduler goes")
        self.assertFalse(visit.location)
