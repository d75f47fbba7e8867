"""The 预警 escalation chain, with the cron's clock set by hand: the assignee an hour
before the deadline, the team leader at the breach, the service managers 4 h and the
director 8 h later; each level once (the cron may run twice); an acknowledgement
stops the chain; the first-response chain gives way to the resolution chain; the
log is read by the ticket's people and the managers; the cron's query count does not
grow with the number of tickets."""
from odoo.exceptions import AccessError, UserError, ValidationError

from .sla_common import SlaCase, bj, shift

#: the resolution deadline of a Motors ticket received Tuesday 2026-09-15 10:00
DEADLINE = bj(2026, 9, 16, 10, 30)


class EscalationCase(SlaCase):

    @classmethod
    def setUpClass(cls):
        super(EscalationCase, cls).setUpClass()
        cls.director = cls.new_user("svc_director", ["crm_core.group_service_manager"])
        Level = cls.env["crm.service.escalation.level"]

        def level(sequence, notify, delay, **vals):
            values = {"name": "Level %s" % sequence, "sequence": sequence,
                      "notify": notify, "delay_hours": delay,
                      "policy_id": cls.motor_policy.id}
            values.update(vals)
            return Level.create(values)

        cls.l1 = level(1, "assignee", -1)
        cls.l2 = level(2, "team_leader", 0)
        cls.l3 = level(3, "managers", 4)
        cls.l4 = level(4, "user", 8, user_id=cls.director.id,
                       note="Call the customer's general manager.")
        cls.global_response = level(1, "team_leader", 0, policy_id=False,
                                    kind="response", name="No response")
        cls.global_resolution = level(1, "managers", 0, policy_id=False,
                                      name="Global breach")

    def motor_ticket(self, responded=True, **vals):
        values = {"user_id": self.agent.id}
        values.update(vals)
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0), **values)
        if responded:
            ticket._sla_write({"first_response_date": bj(2026, 9, 15, 10, 30)})
        return ticket

    def cron(self, moment):
        self.env["crm.service.ticket"]._cron_check_sla(now=moment)

    def logs(self, ticket):
        return self.env["crm.service.escalation.log"].search(
            [("ticket_id", "in", ticket.ids)], order="kind, sequence, id")


class TestEscalationChain(EscalationCase):

    def test_each_level_at_its_time(self):
        ticket = self.motor_ticket()
        self.assertEqual(ticket.resolve_deadline, DEADLINE)
        self.cron(shift(DEADLINE, -1.5))
        self.assertFalse(self.logs(ticket))
        self.cron(shift(DEADLINE, -1))
        log = self.logs(ticket)
        self.assertEqual((log.level_id, log.notified_user_ids, log.kind),
                         (self.l1, self.agent, "resolution"))
        self.assertEqual(log.deadline, DEADLINE)
        activity = ticket.activity_ids.filtered(lambda a: a.user_id == self.agent)
        self.assertEqual(len(activity), 1)
        self.assertIn("SLA escalation", activity.summary)
        self.assertIn("is near", ticket.message_ids[0].body)
        self.assertIn(self.agent.partner_id, ticket.message_ids[0].partner_ids)
        self.assertEqual(ticket.escalation_level, 1)

        self.cron(shift(DEADLINE, -0.5))
        self.assertEqual(len(self.logs(ticket)), 1)
        self.cron(DEADLINE)
        logs = self.logs(ticket)
        self.assertEqual(logs.mapped("level_id"), self.l1 | self.l2)
        self.assertEqual(logs[1].notified_user_ids, self.manager)  # the team leader
        self.assertIn("was missed", ticket.message_ids[0].body)

        self.cron(shift(DEADLINE, 4))
        managers = self.logs(ticket)[2].notified_user_ids
        self.assertIn(self.manager, managers)
        self.assertIn(self.director, managers)
        self.assertNotIn(self.agent, managers)

        self.cron(shift(DEADLINE, 8))
        logs = self.logs(ticket)
        self.assertEqual(logs.mapped("sequence"), [1, 2, 3, 4])
        self.assertEqual(logs[3].notified_user_ids, self.director)
        self.assertIn("general manager", ticket.message_ids[0].body)
        self.assertEqual((ticket.escalation_level, ticket.escalation_kind),
                         (4, "resolution"))
        self.assertEqual(ticket.sla_state, "breached")

    def test_running_twice_fires_each_level_once(self):
        ticket = self.motor_ticket()
        self.cron(shift(DEADLINE, 9))
        logs = self.logs(ticket)
        self.assertEqual(logs.mapped("sequence"), [1, 2, 3, 4])
        messages, activities = len(ticket.message_ids), len(ticket.activity_ids)
        self.cron(shift(DEADLINE, 9))
        self.cron(shift(DEADLINE, 20))
        self.assertEqual(self.logs(ticket), logs)
        self.assertEqual(len(ticket.message_ids), messages)
        self.assertEqual(len(ticket.activity_ids), activities)

    def test_a_level_renumbered_after_it_fired_does_not_fire_again(self):
        ticket = self.motor_ticket()
        self.cron(DEADLINE)
        self.l2.sequence = 7
        self.cron(shift(DEADLINE, 4))
        self.assertEqual(self.logs(ticket).mapped("level_id"),
                         self.l1 | self.l2 | self.l3)

    def test_acknowledge_stops_the_chain(self):
        ticket = self.motor_ticket()
        self.cron(DEADLINE)  # assignee and team leader told
        self.assertEqual(len(ticket.activity_ids), 2)
        with self.assertRaisesRegex(UserError, "Only the people"):
            ticket.sudo(self.agent2).action_acknowledge_escalation()
        self.assertFalse(ticket.escalation_acknowledged)

        ticket.with_context(**self.at(shift(DEADLINE, 1))).sudo(
            self.agent).action_acknowledge_escalation()
        self.assertTrue(ticket.escalation_acknowledged)
        logs = self.logs(ticket)
        self.assertEqual(logs.mapped("acknowledged_by_id"), self.agent)
        self.assertEqual(logs.mapped("acknowledged_date"), [shift(DEADLINE, 1)] * 2)
        self.assertFalse(ticket.activity_ids, "the escalation activities are done")
        self.assertIn("acknowledged by", ticket.message_ids[0].body)

        self.cron(shift(DEADLINE, 9))
        self.assertEqual(len(self.logs(ticket)), 2)
        with self.assertRaisesRegex(UserError, "no escalation to acknowledge"):
            ticket.sudo(self.manager).action_acknowledge_escalation()

    def test_a_manager_acknowledges_for_the_team(self):
        ticket = self.motor_ticket()
        self.cron(shift(DEADLINE, -1))
        ticket.sudo(self.director).action_acknowledge_escalation()
        self.assertEqual(self.logs(ticket).acknowledged_by_id, self.director)

    def test_first_response_chain_then_resolution_chain(self):
        ticket = self.motor_ticket(responded=False)
        self.cron(bj(2026, 9, 15, 12, 0))  # the response deadline
        log = self.logs(ticket)
        self.assertEqual((log.level_id, log.kind, log.notified_user_ids),
                         (self.global_response, "response", self.manager))
        ticket.sudo(self.manager).action_acknowledge_escalation()
        ticket._sla_write({"first_response_date": bj(2026, 9, 15, 12, 30)})
        self.cron(DEADLINE)
        logs = self.logs(ticket)
        self.assertEqual(logs.mapped("kind"), ["resolution", "resolution", "response"])
        self.assertEqual((ticket.escalation_kind, ticket.escalation_level,
                          ticket.escalation_acknowledged), ("resolution", 2, False))

    def test_global_levels_serve_policies_without_their_own(self):
        fault = self.motor_ticket(category_id=self.category.id)
        motor = self.motor_ticket()
        self.assertEqual(fault.sla_policy_id, self.fault_policy)
        self.cron(shift(fault.resolve_deadline, 0.1))
        self.assertEqual(self.logs(fault).level_id, self.global_resolution)
        self.assertNotIn(self.global_resolution, self.logs(motor).mapped("level_id"))

    def test_waiting_for_the_customer_does_not_escalate(self):
        ticket = self.motor_ticket()
        ticket.action_accept()
        ticket.action_start()
        ticket.with_context(**self.at(bj(2026, 9, 15, 16, 0))).action_wait()
        self.cron(shift(DEADLINE, 9))
        self.assertFalse(self.logs(ticket))
        # back at work on Wednesday 9:00: 2 h on hold push the deadline to 14:00
        ticket.with_context(**self.at(bj(2026, 9, 16, 9, 0))).action_resume()
        self.assertEqual(ticket.resolve_deadline, bj(2026, 9, 16, 14, 0))

    def test_moved_deadline_restarts_the_chain(self):
        ticket = self.motor_ticket()
        self.cron(DEADLINE)
        self.assertEqual(ticket.escalation_level, 2)
        ticket.write({"category_id": self.category.id})  # faults: 16 h, not 8 h
        self.assertEqual((ticket.escalation_level, ticket.escalation_kind),
                         (0, False))
        self.cron(shift(ticket.resolve_deadline, 0.1))
        self.assertIn(self.global_resolution, self.logs(ticket).mapped("level_id"))

    def test_level_configuration_is_checked(self):
        Level = self.env["crm.service.escalation.level"]
        with self.assertRaisesRegex(ValidationError, "number 2"):
            Level.create({"name": "Twin", "sequence": 2,
                          "policy_id": self.motor_policy.id})
        with self.assertRaisesRegex(ValidationError, "choose who"):
            Level.create({"name": "Nobody", "sequence": 9, "notify": "user"})
        with self.assertRaisesRegex(ValidationError, "1 or more"):
            Level.create({"name": "Zero", "sequence": 0})


class TestEscalationSecurity(EscalationCase):

    def test_escalation_log_is_read_by_the_tickets_people(self):
        ticket = self.motor_ticket()
        foreign = self.motor_ticket(team_id=self.other_team.id, user_id=False)
        self.cron(DEADLINE)
        Log = self.env["crm.service.escalation.log"]
        mine = Log.sudo(self.agent).search([("ticket_id", "in", ticket.ids)])
        self.assertEqual(len(mine), 2)
        self.assertFalse(Log.sudo(self.agent).search([("ticket_id", "=", foreign.id)]))
        with self.assertRaises(AccessError):
            self.logs(ticket).sudo(self.outsider).read(["name"])
        self.assertEqual(len(Log.sudo(self.outsider).search(
            [("ticket_id", "=", foreign.id)])), 2, "the other team reads its own")
        self.assertEqual(len(Log.sudo(self.manager).search(
            [("ticket_id", "in", (ticket | foreign).ids)])), 4)
        with self.assertRaises(AccessError):
            mine[0].write({"acknowledged_by_id": self.agent.id})
        with self.assertRaises(AccessError):
            Log.sudo(self.manager).create({
                "name": "Forged", "ticket_id": ticket.id, "kind": "resolution"})
        with self.assertRaises(AccessError):
            Log.sudo(self.rep).search([])
        analyst = self.new_user("svc_analyst", ["crm_core.group_analyst"])
        self.assertEqual(len(Log.sudo(analyst).search(
            [("ticket_id", "in", (ticket | foreign).ids)])), 4)
        # a salesperson reads the SLA of their customer's ticket, not its log
        values = ticket.sudo(self.rep).read(
            ["sla_policy_id", "sla_state", "escalation_level"])[0]
        self.assertEqual(values["sla_policy_id"][0], self.motor_policy.id)
        self.assertEqual(values["escalation_level"], 2)


class TestEscalationQueries(EscalationCase):

    def make(self, count):
        tickets = self.env["crm.service.ticket"]
        for _n in range(count):
            tickets |= self.motor_ticket(category_id=self.category.id)
        return tickets

    def test_cron_query_count_does_not_grow_with_tickets(self):
        # Faults received Tuesday 10:00: resolution due Thursday 11:00, warning
        # from 9:00, the global level at 11:00
        calm, warned = bj(2026, 9, 15, 16, 0), bj(2026, 9, 17, 10, 0)
        few = self.make(3)
        self.cron(calm)
        with self.count_queries() as first:
            self.cron(warned)
        self.assertEqual(set(few.mapped("sla_state")), {"warning"})
        many = self.make(30)
        self.cron(calm)
        self.assertEqual(set((few | many).mapped("sla_state")), {"on_track"})
        with self.assertMaxQueries(first.count) as second:
            self.cron(warned)
        self.assertEqual(set((few | many).mapped("sla_state")), {"warning"})
        self.assertLessEqual(second.count, 6)
        self.assertFalse(self.logs(few | many))
