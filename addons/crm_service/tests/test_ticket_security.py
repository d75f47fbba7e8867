"""Who sees which tickets, as ordinary users: an agent their own and their team's
queue, not another team's; a manager all; a salesperson reads (only) their customers'
tickets; a call-center agent the tickets they opened (and, with crm_callcenter, reads
those of the customers their data scope shows)."""
from odoo.exceptions import AccessError

from .common import ServiceCase


class TestTicketSecurity(ServiceCase):

    @classmethod
    def setUpClass(cls):
        super(TestTicketSecurity, cls).setUpClass()
        cls.mine = cls.ticket(name="Mine", user_id=cls.agent.id)
        cls.queue = cls.ticket(name="Team queue")
        cls.foreign = cls.ticket(name="Foreign", team_id=cls.other_team.id,
                                 category_id=False, partner_id=False)

    def visible(self, user):
        return self.env["crm.service.ticket"].sudo(user).search(
            [("id", "in", (self.mine | self.queue | self.foreign).ids)])

    def test_agent_sees_own_and_team_queue_only(self):
        self.assertEqual(self.visible(self.agent), self.mine | self.queue)
        self.assertEqual(self.visible(self.outsider), self.foreign)
        with self.assertRaises(AccessError):
            self.foreign.sudo(self.agent).read(["name"])
        with self.assertRaises(AccessError):
            self.foreign.sudo(self.agent).write({"name": "Hijacked"})

    def test_agent_creates_and_keeps_seeing_own_ticket(self):
        ticket = self.env["crm.service.ticket"].sudo(self.outsider).create(
            {"name": "Walk-in question", "channel": "walk_in"})
        self.assertEqual(ticket.sudo(self.outsider).name, "Walk-in question")

    def test_manager_sees_all(self):
        self.assertEqual(self.visible(self.manager),
                         self.mine | self.queue | self.foreign)
        with self.assertRaises(AccessError):
            self.mine.sudo(self.agent).unlink()
        self.foreign.sudo(self.manager).unlink()

    def test_salesperson_reads_own_customers_tickets_only(self):
        self.assertEqual(self.visible(self.rep), self.mine | self.queue)
        with self.assertRaises(AccessError):
            self.mine.sudo(self.rep).write({"name": "Edited by sales"})
        other_rep = self.new_user("svc_rep2", ["sales_team.group_sale_salesman"])
        self.assertFalse(self.visible(other_rep))
        self.assertEqual(self.customer.sudo(self.rep).service_ticket_count, 2)

    def test_call_center_agent_sees_what_they_opened(self):
        caller = self.new_user("svc_cc", ["crm_core.group_callcenter_agent"])
        ticket = self.env["crm.service.ticket"].sudo(caller).create(
            {"name": "Caller reports a leak", "partner_id": self.customer.id})
        self.assertIn(ticket, self.env["crm.service.ticket"].sudo(caller).search([]))
        ticket.sudo(caller).write({"description": "Under the sink"})
        # another team's ticket without a customer stays hidden, and another's
        # ticket is not theirs to change (crm_callcenter lets them read the
        # tickets of the customers their data scope shows, to help a caller)
        with self.assertRaises(AccessError):
            self.foreign.sudo(caller).read(["name"])
        with self.assertRaises(AccessError):
            self.queue.sudo(caller).write({"name": "Changed by the call center"})

    def test_configuration_is_for_managers(self):
        with self.assertRaises(AccessError):
            self.env["crm.service.team"].sudo(self.agent).create({"name": "Rogue"})
        self.env["crm.service.team"].sudo(self.manager).create({"name": "Night shift"})
        with self.assertRaises(AccessError):
            self.category.sudo(self.agent).write({"name": "Renamed"})
