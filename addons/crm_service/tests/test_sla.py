"""SLA policies and deadlines: the most specific policy wins; deadlines count working
hours of the China calendar (weekends, the 2026 holidays and make-up days); time on
hold for the customer does not count; the status is on track → warning → breached
by the cron, met or failed at resolution; agents read policies, managers set them."""
from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .sla_common import SlaCase, bj, shift


class TestSlaPolicy(SlaCase):

    def test_the_most_specific_policy_wins(self):
        cases = [
            ({"ticket_type": "fault"}, self.motor_policy),  # on Motors
            ({"ticket_type": "fault", "category_id": self.category.id},
             self.fault_policy),
            ({"ticket_type": "request"}, self.default_policy),
            ({"ticket_type": "complaint", "priority": "3"}, self.urgent_policy),
            ({"ticket_type": "complaint", "priority": "1"}, self.default_policy),
        ]
        for vals, policy in cases:
            self.assertEqual(self.ticket(**vals).sla_policy_id, policy, vals)
        self.customer.customer_level_id = self.level_a
        self.assertEqual(self.ticket(ticket_type="request").sla_policy_id,
                         self.key_account_policy)

    def test_sequence_breaks_ties_and_archived_policies_do_not_apply(self):
        faster = self.fault_policy.copy({"name": "Faster faults", "sequence": 5})
        ticket = self.ticket(ticket_type="fault", category_id=self.category.id)
        self.assertEqual(ticket.sla_policy_id, faster)
        faster.active = False
        ticket = self.ticket(ticket_type="fault", category_id=self.category.id)
        self.assertEqual(ticket.sla_policy_id, self.fault_policy)

    def test_no_policy_no_deadline(self):
        self.default_policy.active = False
        ticket = self.ticket(ticket_type="request")
        self.assertFalse(ticket.sla_policy_id)
        self.assertFalse(ticket.resolve_deadline)
        self.assertFalse(ticket.sla_state)

    def test_policy_needs_sound_targets(self):
        Policy = self.env["crm.service.sla.policy"]
        with self.assertRaisesRegex(ValidationError, "Warn Before"):
            Policy.create({"name": "Bad", "calendar_id": self.calendar.id,
                           "resolve_hours": 8, "warn_before_hours": -1})
        with self.assertRaisesRegex(ValidationError, "needs a First Response"):
            Policy.create({"name": "Empty", "calendar_id": self.calendar.id})

    def test_china_calendar_is_shipped_with_2026(self):
        self.assertEqual(self.calendar.tz, "Asia/Shanghai")
        self.assertEqual(len(self.calendar.global_leave_ids), 7)
        self.assertEqual(
            sorted(self.calendar.service_workday_ids.mapped("date")),
            ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
             "2026-10-10"])

    def test_workday_needs_hours_on_its_weekday(self):
        with self.assertRaisesRegex(ValidationError, "Worked Like"):
            self.env["crm.service.workday"].create({
                "calendar_id": self.calendar.id, "date": "2026-12-26",
                "dayofweek": "6"})


class TestSlaDeadlines(SlaCase):

    def test_deadlines_on_create(self):
        # Motors: 2 h / 8 h from Tuesday 10:00
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0))
        self.assertEqual(ticket.response_deadline, bj(2026, 9, 15, 12, 0))
        self.assertEqual(ticket.resolve_deadline, bj(2026, 9, 16, 10, 30))

    def test_weekend(self):
        # Faults: 4 h / 16 h from Friday 17:00
        ticket = self.sla_ticket(bj(2026, 9, 11, 17, 0), category_id=self.category.id)
        self.assertEqual(ticket.response_deadline, bj(2026, 9, 14, 12, 0))
        self.assertEqual(ticket.resolve_deadline, bj(2026, 9, 15, 18, 0))

    def test_national_day(self):
        ticket = self.sla_ticket(bj(2026, 9, 30, 17, 0), category_id=self.category.id)
        self.assertEqual(ticket.response_deadline, bj(2026, 10, 8, 12, 0))
        self.assertEqual(ticket.resolve_deadline, bj(2026, 10, 9, 18, 0))

    def test_make_up_days(self):
        # Saturday Oct 10 is worked (调休): Friday 17:00 + 4 h = Saturday 12:00
        ticket = self.sla_ticket(bj(2026, 10, 9, 17, 0), category_id=self.category.id)
        self.assertEqual(ticket.response_deadline, bj(2026, 10, 10, 12, 0))
        # received Saturday Sep 19: the clock starts on the 调休 Sunday Sep 20
        ticket = self.sla_ticket(bj(2026, 9, 19, 10, 0), category_id=self.category.id)
        self.assertEqual(ticket.response_deadline, bj(2026, 9, 20, 14, 30))

    def test_a_new_holiday_counts_for_new_tickets(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Typhoon", "calendar_id": self.calendar.id,
            "date_from": bj(2026, 9, 15, 0, 0), "date_to": bj(2026, 9, 16, 0, 0)})
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0))
        self.assertEqual(ticket.response_deadline, bj(2026, 9, 16, 11, 0))

    def test_policy_follows_type_changes_while_open(self):
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0), ticket_type="request")
        self.assertEqual(ticket.sla_policy_id, self.default_policy)
        self.assertEqual(ticket.response_deadline, bj(2026, 9, 16, 10, 30))
        ticket.sudo(self.agent).write({"ticket_type": "fault"})
        self.assertEqual(ticket.sla_policy_id, self.motor_policy)
        self.assertEqual(ticket.response_deadline, bj(2026, 9, 15, 12, 0))
        ticket.write({"category_id": self.category.id})
        self.assertEqual(ticket.sla_policy_id, self.fault_policy)
        self.assertEqual(ticket.response_deadline, bj(2026, 9, 15, 15, 30))

    def test_closed_tickets_keep_their_policy(self):
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0), solution="Fixed")
        ticket.action_accept()
        ticket.action_start()
        ticket.action_resolve()
        ticket.write({"ticket_type": "request"})
        self.assertEqual(ticket.sla_policy_id, self.motor_policy)

    def test_given_deadlines_are_kept(self):
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0),
                                 resolve_deadline=bj(2026, 9, 30, 18, 0))
        self.assertEqual(ticket.resolve_deadline, bj(2026, 9, 30, 18, 0))
        self.assertEqual(ticket.response_deadline, bj(2026, 9, 15, 12, 0))

    def test_a_calendar_without_hours_is_refused_by_name(self):
        empty = self.env["resource.calendar"].create(
            {"name": "Never open", "attendance_ids": [(5, 0, 0)]})
        self.motor_policy.calendar_id = empty
        with self.assertRaisesRegex(UserError, "Never open"):
            self.sla_ticket(bj(2026, 9, 15, 10, 0))

    def test_waiting_for_the_customer_does_not_count(self):
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0))
        self.assertEqual(ticket.resolve_deadline, bj(2026, 9, 16, 10, 30))
        ticket.action_accept()
        ticket.action_start()
        ticket.with_context(**self.at(bj(2026, 9, 15, 16, 0))).action_wait()
        self.assertEqual(ticket.sla_pause_start, bj(2026, 9, 15, 16, 0))
        # on hold Tuesday 16:00 → Wednesday 10:00: 2 h + 1 h of working time
        ticket.with_context(**self.at(bj(2026, 9, 16, 10, 0))).action_resume()
        self.assertFalse(ticket.sla_pause_start)
        self.assertEqual(ticket.sla_paused_hours, 3)
        self.assertEqual(ticket.resolve_deadline, bj(2026, 9, 16, 15, 0))
        # another policy later (16 h) keeps the 3 hours on hold: 19 h from Tuesday
        ticket.write({"category_id": self.category.id})
        self.assertEqual(ticket.resolve_deadline, bj(2026, 9, 17, 15, 30))

    def test_resolved_while_waiting_closes_the_pause(self):
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0), solution="Fixed")
        ticket.action_accept()
        ticket.action_start()
        ticket.with_context(**self.at(bj(2026, 9, 15, 11, 0))).action_wait()
        ticket.with_context(**self.at(bj(2026, 9, 15, 12, 0))).action_resolve()
        self.assertEqual(ticket.sla_paused_hours, 1)
        self.assertEqual(ticket.resolve_deadline, bj(2026, 9, 16, 11, 30))


class TestSlaState(SlaCase):

    def cron(self, moment):
        self.env["crm.service.ticket"]._cron_check_sla(now=moment)

    def test_on_track_warning_breached(self):
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0))  # 12:00 / Wed 10:30
        self.cron(bj(2026, 9, 15, 10, 30))
        self.assertEqual(ticket.sla_state, "on_track")
        self.cron(bj(2026, 9, 15, 11, 0))  # an hour before the response deadline
        self.assertEqual(ticket.sla_state, "warning")
        self.cron(bj(2026, 9, 15, 12, 0))
        self.assertEqual(ticket.sla_state, "breached")
        at_risk = self.env["crm.service.ticket"].search(
            [("sla_state", "=", "breached"), ("id", "=", ticket.id)])
        self.assertEqual(at_risk, ticket)

    def test_responded_in_time_then_resolution_deadline(self):
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0))
        ticket.with_context(**self.at(bj(2026, 9, 15, 11, 30))).action_accept()
        # accepted stamps the real clock: say the response came at 11:30
        ticket._sla_write({"first_response_date": bj(2026, 9, 15, 11, 30)})
        self.cron(bj(2026, 9, 15, 17, 0))
        self.assertEqual(ticket.sla_state, "on_track")
        self.cron(bj(2026, 9, 16, 9, 30))
        self.assertEqual(ticket.sla_state, "warning")
        self.cron(bj(2026, 9, 16, 10, 30))
        self.assertEqual(ticket.sla_state, "breached")

    def test_late_response_stays_breached(self):
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0))
        ticket.action_accept()
        ticket._sla_write({"first_response_date": bj(2026, 9, 15, 13, 0)})
        self.cron(bj(2026, 9, 15, 14, 0))
        self.assertEqual(ticket.sla_state, "breached")

    def test_waiting_stops_the_resolution_clock(self):
        ticket = self.sla_ticket(bj(2026, 9, 15, 10, 0))
        ticket.action_accept()
        ticket._sla_write({"first_response_date": bj(2026, 9, 15, 10, 30)})
        ticket.action_start()
        ticket.with_context(**self.at(bj(2026, 9, 15, 16, 0))).action_wait()
        self.cron(bj(2026, 9, 18, 10, 0))  # long after the resolution deadline
        self.assertEqual(ticket.sla_state, "on_track")

    def test_met_or_failed_at_resolution(self):
        now = fields.Datetime.now()
        kept = self.ticket(solution="Fixed", response_deadline=shift(now, 1),
                           resolve_deadline=shift(now, 24))
        late = self.ticket(solution="Fixed", response_deadline=shift(now, 1),
                           resolve_deadline=shift(now, -1))
        for ticket in kept | late:
            ticket.action_accept()
            ticket.action_start()
        (kept | late).action_resolve()
        self.assertEqual(kept.sla_state, "met")
        self.assertEqual(late.sla_state, "failed")
        # the cron leaves resolved tickets alone
        self.cron(shift(now, 48))
        self.assertEqual((kept | late).mapped("sla_state"), ["met", "failed"])

    def test_reopened_ticket_is_judged_again(self):
        now = fields.Datetime.now()
        ticket = self.ticket(solution="Fixed", response_deadline=shift(now, 1),
                             resolve_deadline=shift(now, 2))
        ticket.action_accept()
        ticket.action_resolve()
        self.assertEqual(ticket.sla_state, "met")
        ticket.with_context(**self.at(shift(now, 3))).reopen("Not fixed")
        self.assertEqual(ticket.sla_state, "breached")


class TestSlaPrediction(SlaCase):

    def test_median_handling_time_and_load_predict_a_breach(self):
        handled = []
        for hours in (10, 20, 30):  # median 20 clock hours in Motors
            ticket = self.ticket(solution="Done")
            ticket.action_accept()
            ticket.action_resolve()
            handled.append((ticket.id, hours))
        for ticket_id, hours in handled:
            self.env.cr.execute(
                "UPDATE crm_service_ticket SET sla_start_date = resolved_date - "
                "%s * interval '1 hour' WHERE id = %s", (hours, ticket_id))
        start = fields.Datetime.now()
        ticket = self.ticket(sla_start_date=start, user_id=self.agent.id,
                             resolve_deadline=shift(start, 30))
        Ticket = self.env["crm.service.ticket"]
        Ticket._cron_check_sla(now=start)
        self.assertEqual(ticket.predicted_resolve_date, shift(start, 20))
        self.assertFalse(ticket.predicted_breach)
        # the assignee now holds three times the average open load
        for _n in range(8):
            self.ticket(category_id=self.category.id, user_id=self.agent.id)
        for _n in range(2):
            self.ticket(category_id=self.category.id, user_id=self.agent2.id)
        Ticket.invalidate_cache()
        self.env.cr.execute(
            "SELECT count(*) FROM crm_service_ticket WHERE is_open "
            "AND user_id IS NOT NULL GROUP BY user_id")
        loads = [row[0] for row in self.env.cr.fetchall()]
        factor = max(1.0, 9.0 / (sum(loads) / float(len(loads))))
        Ticket._cron_check_sla(now=start)
        predicted = fields.Datetime.from_string(ticket.predicted_resolve_date)
        expected = fields.Datetime.from_string(shift(start, 20 * factor))
        self.assertLess(abs((predicted - expected).total_seconds()), 2)
        self.assertTrue(ticket.predicted_breach)
        likely = Ticket.search([("predicted_breach", "=", True),
                                ("id", "=", ticket.id)])
        self.assertEqual(likely, ticket)


class TestSlaSecurity(SlaCase):

    def test_agents_read_policies_managers_configure(self):
        Policy = self.env["crm.service.sla.policy"]
        self.assertIn(self.fault_policy, Policy.sudo(self.agent).search([]))
        level = self.env["crm.service.escalation.level"].create({
            "name": "Leader", "policy_id": self.fault_policy.id})
        self.assertEqual(level.sudo(self.agent).name, "Leader")
        with self.assertRaises(AccessError):
            level.sudo(self.agent).write({"delay_hours": 10})
        with self.assertRaises(AccessError):
            Policy.sudo(self.agent).create({
                "name": "Mine", "calendar_id": self.calendar.id, "resolve_hours": 1})
        with self.assertRaises(AccessError):
            self.fault_policy.sudo(self.agent).write({"resolve_hours": 100})
        policy = Policy.sudo(self.manager).create({
            "name": "Managers' policy", "calendar_id": self.calendar.id,
            "resolve_hours": 12})
        self.assertEqual(policy.resolve_hours, 12)
        # anyone reading a ticket reads its policy's name, nobody else edits it
        self.assertEqual(self.fault_policy.sudo(self.rep).name, "Faults")
        with self.assertRaises(AccessError):
            self.fault_policy.sudo(self.rep).write({"name": "Sales' faults"})

    def test_managers_edit_business_calendars(self):
        self.calendar.sudo(self.manager).write({"service_workday_ids": [(0, 0, {
            "date": "2026-12-27", "name": "Extra", "dayofweek": "0"})]})
        with self.assertRaises(AccessError):
            self.calendar.sudo(self.agent).write({"name": "Agents' hours"})
        with self.assertRaises(AccessError):
            self.env["crm.service.workday"].sudo(self.agent).create({
                "calendar_id": self.calendar.id, "date": "2026-12-20"})
