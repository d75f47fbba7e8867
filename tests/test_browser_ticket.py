"""End to end in a real browser: a service agent accepts a ticket dispatched to them,
is told to write the solution before resolving, writes it and resolves the ticket."""
from .browser_case import PASSWORD, BrowserCase


class TestBrowserTicket(BrowserCase):

    @classmethod
    def _create_records(cls):
        cls.agent = cls.new_user(
            "browser_svc_agent", ["crm_core.group_service_agent"],
            password=PASSWORD, lang="en_US")
        cls.team = cls.env["crm.service.team"].create(
            {"name": "Browser Service Team", "member_ids": [(6, 0, cls.agent.ids)]})
        cls.ticket = cls.env["crm.service.ticket"].create({
            "name": "Browser printer jams", "ticket_type": "fault",
            "team_id": cls.team.id})
        cls.ticket.dispatch_to(cls.team, cls.agent, "Bring a spare roller")

    def test_agent_works_a_dispatched_ticket_to_resolution(self):
        seen = self.run_flow("ticket_flow.js", self.agent, ticket=self.ticket.name,
                             solution="Replaced the feed roller")
        self.assertEqual(seen["dispatched"]["value"], "dispatched")
        self.assertEqual(seen["accepted"]["value"], "in_progress")
        self.assertEqual(seen["refusal_kind"], "warning", seen)
        self.assertEqual(
            seen["refusal"],
            "Write the solution of ticket %s before resolving it." % self.ticket.number)
        self.assertEqual(seen["resolved"]["value"], "resolved")
        self.assertEqual(self.ticket.state, "resolved")
        self.assertEqual(self.ticket.solution, "Replaced the feed roller")
        self.assertEqual(self.ticket.user_id, self.agent)
        self.assertIn("Accepted by", self.ticket.dispatch_feedback)
        self.assertTrue(self.ticket.resolved_date)
