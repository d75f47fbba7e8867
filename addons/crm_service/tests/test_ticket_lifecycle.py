"""A ticket goes new → accepted → dispatched → in progress → resolved → return visit
→ closed through its buttons only; every other move is refused and writes nothing."""
from odoo.exceptions import UserError

from .common import ServiceCase


class TestTicketLifecycle(ServiceCase):

    def test_numbered_and_routed_to_the_category_team(self):
        first, second = self.ticket(), self.ticket()
        self.assertTrue(first.number.startswith("SR"))
        self.assertNotEqual(first.number, second.number)
        # the subcategory has no team: its parent's team takes the ticket
        self.assertEqual(first.team_id, self.team)
        self.assertEqual(first.state, "new")
        self.assertTrue(first.is_open)

    def test_whole_life(self):
        ticket = self.ticket()
        ticket.sudo(self.agent).action_accept()
        self.assertEqual(ticket.state, "accepted")
        self.assertTrue(ticket.accepted_date)
        self.assertEqual(ticket.first_response_date, ticket.accepted_date)
        ticket.sudo(self.manager).dispatch_to(self.team, self.agent2, "Bring the kit")
        self.assertEqual((ticket.state, ticket.user_id, ticket.dispatched_by_id),
                         ("dispatched", self.agent2, self.manager))
        activity = ticket.activity_ids
        self.assertEqual((activity.user_id, activity.note),
                         (self.agent2, "<p>Bring the kit</p>"))
        ticket.sudo(self.agent2).action_start()
        self.assertEqual(ticket.state, "in_progress")
        self.assertIn("Accepted by", ticket.dispatch_feedback)
        ticket.sudo(self.agent2).action_wait()
        ticket.sudo(self.agent2).action_resume()
        ticket.sudo(self.agent2).write({"solution": "Replaced the fuse"})
        ticket.sudo(self.agent2).action_resolve()
        self.assertEqual(ticket.state, "resolved")
        self.assertFalse(ticket.is_open)
        ticket.sudo(self.agent2).action_return_visit()
        ticket.sudo(self.agent2).action_close()
        self.assertEqual(ticket.state, "closed")
        self.assertTrue(ticket.closed_date)

    def test_a_move_not_allowed_names_the_ticket_and_writes_nothing(self):
        ticket = self.ticket()
        with self.assertRaisesRegex(UserError, "%s is New" % ticket.number):
            ticket.action_close()
        tickets = ticket | self.ticket()
        tickets[1].action_accept()
        with self.assertRaises(UserError):
            tickets.action_accept()  # the second one is accepted already
        self.assertEqual(tickets.mapped("state"), ["new", "accepted"])

    def test_status_cannot_be_written_directly(self):
        ticket = self.ticket()
        with self.assertRaisesRegex(UserError, "only through its buttons"):
            ticket.sudo(self.agent).write({"state": "closed"})
        self.assertEqual(ticket.state, "new")

    def test_resolving_needs_a_solution(self):
        ticket = self.ticket()
        ticket.action_start()
        with self.assertRaisesRegex(UserError, "solution"):
            ticket.action_resolve()
        self.assertEqual(ticket.state, "in_progress")

    def test_refused_dispatch_goes_back_to_the_queue(self):
        ticket = self.ticket()
        ticket.dispatch_to(self.team, self.agent)
        with self.assertRaisesRegex(UserError, "Only the assignee"):
            ticket.sudo(self.agent2).refuse("Not my area")
        ticket.sudo(self.agent).refuse("On leave this week")
        self.assertEqual((ticket.state, ticket.user_id.id), ("accepted", False))
        self.assertIn("On leave this week", ticket.dispatch_feedback)
        with self.assertRaisesRegex(UserError, "member"):
            ticket.dispatch_to(self.team, self.outsider)

    def test_cancel_and_reopen_need_reasons_and_count(self):
        ticket = self.ticket(user_id=self.agent.id)
        with self.assertRaisesRegex(UserError, "reason"):
            ticket.cancel("  ")
        self.assertEqual(ticket.state, "new")
        ticket.cancel("Duplicate of another ticket")
        self.assertEqual(ticket.state, "cancelled")
        ticket.reopen("Not a duplicate after all")
        self.assertEqual((ticket.state, ticket.reopen_count), ("in_progress", 1))
        ticket.write({"solution": "Fixed"})
        ticket.action_resolve()
        ticket.action_close()
        ticket.reopen("It broke again")
        self.assertEqual(ticket.reopen_count, 2)
        self.assertFalse(ticket.closed_date)
        self.assertFalse(ticket.resolved_date)

    def test_reopen_without_assignee_returns_to_the_queue(self):
        ticket = self.ticket()
        ticket.cancel("Wrong customer")
        ticket.reopen("Right customer after all")
        self.assertEqual(ticket.state, "accepted")

    def test_wizards(self):
        ticket = self.ticket()
        wizard = self.env["crm.service.ticket.dispatch"].with_context(
            active_model="crm.service.ticket", active_ids=ticket.ids).create(
                {"user_id": self.agent.id})
        self.assertEqual(wizard.team_id, self.team)
        wizard.action_dispatch()
        self.assertEqual((ticket.state, ticket.user_id), ("dispatched", self.agent))
        reason = self.env["crm.service.ticket.reason"].sudo(self.agent).with_context(
            active_model="crm.service.ticket", active_ids=ticket.ids).create(
                {"action": "refuse", "reason": "Too far away"})
        reason.action_confirm()
        self.assertEqual(ticket.state, "accepted")

    def test_customer_counts_its_tickets(self):
        contact = self.env["res.partner"].create(
            {"name": "Li Lei", "parent_id": self.customer.id})
        self.ticket(partner_id=contact.id)
        self.ticket()
        self.assertEqual(self.customer.service_ticket_count, 2)
        self.assertEqual(contact.service_ticket_count, 2)
