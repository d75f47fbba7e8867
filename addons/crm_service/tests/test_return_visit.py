"""Return visits (回访): planned on resolution or by the job once a policy's delay
has passed, for a sample of tickets that stays the same run after run; a low score
reopens the ticket and alerts the team leader, a good one closes it; the
satisfaction report; who sees the visits."""
import hashlib
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .complaint_common import ComplaintCase


def in_sample(ticket_id, percent):
    """The sampling rule, written independently of the SQL that applies it."""
    bucket = int(hashlib.md5(str(ticket_id).encode()).hexdigest()[:8], 16) % 10000
    return bucket < percent * 100


class TestReturnVisit(ComplaintCase):

    @classmethod
    def setUpClass(cls):
        super(TestReturnVisit, cls).setUpClass()
        Category = cls.env["crm.service.category"]
        cls.cat_now = Category.create({"name": "Visit at once",
                                       "team_id": cls.team.id})
        cls.cat_now_child = Category.create({"name": "Visit at once / child",
                                             "parent_id": cls.cat_now.id})
        cls.cat_late = Category.create({"name": "Visit next day",
                                        "team_id": cls.team.id})
        cls.cat_sample = Category.create({"name": "Visit half",
                                          "team_id": cls.team.id})
        cls.cat_none = Category.create({"name": "No visit", "team_id": cls.team.id})
        Policy = cls.env["crm.service.visit.policy"]
        cls.policy_now = Policy.create({
            "name": "At once", "sequence": 1, "ticket_type": "fault",
            "category_ids": [(6, 0, cls.cat_now.ids)], "delay_hours": 0,
            "assign_to": "team_leader", "min_satisfaction": 3})
        cls.policy_late = Policy.create({
            "name": "Next day", "sequence": 2,
            "category_ids": [(6, 0, cls.cat_late.ids)], "delay_hours": 24,
            "assign_to": "ticket_user"})
        cls.policy_sample = Policy.create({
            "name": "Half", "sequence": 3,
            "category_ids": [(6, 0, cls.cat_sample.ids)], "sample_percent": 50,
            "assign_to": "user", "user_id": cls.agent2.id})
        cls.Visit = cls.env["crm.service.visit"]

    @classmethod
    def working_ticket(cls, category, **vals):
        values = {"category_id": category.id, "user_id": cls.agent.id,
                  "solution": "Replaced the part"}
        values.update(vals)
        ticket = cls.ticket(**values)
        ticket.action_start()
        return ticket

    def visits(self, tickets):
        return self.Visit.search([("ticket_id", "in", tickets.ids)])

    def visit_activity(self, visit):
        return self.env["mail.activity"].search([
            ("res_model", "=", visit._name), ("res_id", "=", visit.id),
            ("activity_type_id", "=",
             self.env.ref("crm_service.mail_activity_return_visit").id)])

    # -- planning --------------------------------------------------------------

    def test_resolving_plans_the_visit_at_once(self):
        ticket = self.working_ticket(self.cat_now_child)
        ticket.sudo(self.agent).action_resolve()
        visit = self.visits(ticket)
        self.assertEqual(len(visit), 1)
        self.assertEqual((visit.state, visit.user_id, visit.policy_id),
                         ("planned", self.manager, self.policy_now),
                         "the team leader of a subcategory's ticket")
        self.assertEqual((visit.partner_id, visit.resolution_number),
                         (self.customer, 1))
        self.assertEqual(ticket.state, "visit")
        activity = self.visit_activity(visit)
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.date_deadline, visit.due_date)
        self.assertIn(ticket.number, activity.summary)
        self.assertEqual(visit.display_name, "Return Visit %s" % ticket.number)
        self.assertEqual(ticket.visit_count, 1)

    def test_policy_needs_its_type_and_category(self):
        complaint = self.working_ticket(self.cat_now, ticket_type="complaint")
        other = self.working_ticket(self.cat_none)
        (complaint | other).action_resolve()
        self.assertFalse(self.visits(complaint | other))
        self.assertEqual(set((complaint | other).mapped("state")), {"resolved"})

    def test_delayed_policy_by_the_job_once_and_only_once(self):
        ticket = self.working_ticket(self.cat_late)
        ticket.action_resolve()
        self.assertFalse(self.visits(ticket))
        self.Visit._cron_generate_visits()
        self.assertFalse(self.visits(ticket), "24 hours have not passed")
        resolved = datetime.now() - timedelta(hours=25)
        ticket._crm_workflow().write(
            {"resolved_date": fields.Datetime.to_string(resolved)})
        self.Visit._cron_generate_visits()
        visit = self.visits(ticket)
        self.assertEqual(len(visit), 1)
        self.assertEqual(visit.user_id, self.agent, "the ticket's assignee")
        self.assertEqual(ticket.state, "visit")
        self.Visit._cron_generate_visits()
        self.assertEqual(self.visits(ticket), visit)
        self.assertEqual(len(self.visit_activity(visit)), 1)

    def test_sample_is_deterministic(self):
        tickets = self.env["crm.service.ticket"]
        for index in range(30):
            tickets |= self.working_ticket(self.cat_sample, name="T%s" % index)
        tickets.action_resolve()
        drawn = self.visits(tickets).mapped("ticket_id")
        expected = tickets.filtered(lambda t: in_sample(t.id, 50))
        self.assertEqual(drawn, expected)
        self.assertTrue(0 < len(drawn) < 30)
        self.assertEqual(set(drawn.mapped("state")), {"visit"})
        self.assertEqual(set((tickets - drawn).mapped("state")), {"resolved"})
        self.assertEqual(set(self.visits(tickets).mapped("user_id")), {self.agent2})
        self.Visit._cron_generate_visits()
        self.assertEqual(self.visits(tickets).mapped("ticket_id"), expected,
                         "the job draws the same tickets again")

    def test_return_visit_by_hand(self):
        ticket = self.working_ticket(self.cat_none)
        ticket.sudo(self.agent).action_resolve()
        ticket.sudo(self.agent).action_return_visit()
        visit = self.visits(ticket)
        self.assertEqual((visit.user_id, visit.state), (self.agent, "planned"))
        self.assertEqual(self.visit_activity(visit).user_id, self.agent)

    # -- answers -----------------------------------------------------------------

    def planned_visit(self):
        ticket = self.working_ticket(self.cat_now)
        ticket.action_resolve()
        return ticket, self.visits(ticket)

    def test_low_score_reopens_and_alerts_the_team_leader(self):
        ticket, visit = self.planned_visit()
        visit.sudo(self.manager).write({"satisfaction": "2",
                                        "would_recommend": "no",
                                        "comments": "Still leaking"})
        visit.sudo(self.manager).action_done()
        self.assertEqual((visit.state, visit.low_score), ("done", True))
        self.assertEqual(ticket.state, "in_progress", "back to its assignee")
        self.assertEqual((ticket.reopen_count, ticket.satisfaction), (1, "2"))
        self.assertIn("Still leaking", ticket.reopen_reason)
        alert = self.env["mail.activity"].search([
            ("res_model", "=", ticket._name), ("res_id", "=", ticket.id),
            ("user_id", "=", self.manager.id)])
        self.assertEqual(len(alert), 1)
        self.assertIn("reopened", alert.summary)
        self.assertIn(self.manager.partner_id,
                      ticket.message_ids.mapped("partner_ids"))
        self.assertFalse(self.visit_activity(visit))
        # resolved again, the new resolution gets its own visit
        ticket.action_resolve()
        second = self.visits(ticket) - visit
        self.assertEqual((len(second), second.resolution_number), (1, 2))
        self.assertEqual(ticket.state, "visit")

    def test_good_score_closes_the_ticket(self):
        ticket, visit = self.planned_visit()
        with self.assertRaises(UserError):
            visit.sudo(self.manager).action_done()  # no score yet
        visit.sudo(self.manager).write({"satisfaction": "3"})
        visit.sudo(self.manager).action_done()
        self.assertEqual((visit.state, visit.low_score), ("done", False))
        self.assertEqual((ticket.state, ticket.satisfaction), ("closed", "3"))
        self.assertFalse(self.visit_activity(visit))
        with self.assertRaises(UserError):
            visit.sudo(self.manager).action_done()
        with self.assertRaises(UserError):
            visit.sudo(self.manager).write({"satisfaction": "1"})
        self.assertEqual(visit.satisfaction, "3")

    def test_status_changes_only_through_the_buttons(self):
        ticket, visit = self.planned_visit()
        for vals in ({"state": "done"}, {"low_score": True},
                     {"ticket_id": self.complaint.id}):
            with self.assertRaises(UserError):
                visit.sudo(self.manager).write(vals)
        self.assertEqual((visit.state, visit.ticket_id), ("planned", ticket))
        visit.sudo(self.manager).write({"user_id": self.agent2.id,
                                        "comments": "Call after 5 pm"})
        self.assertEqual(visit.user_id, self.agent2)

    def test_threshold_is_the_policys(self):
        self.policy_now.min_satisfaction = 4
        ticket, visit = self.planned_visit()
        self.assertEqual(visit.min_satisfaction, 4)
        visit.write({"satisfaction": "3"})
        visit.action_done()
        self.assertTrue(visit.low_score)
        self.assertEqual(ticket.state, "in_progress")

    def test_cancelled_visit_leaves_the_ticket_to_close_by_hand(self):
        ticket, visit = self.planned_visit()
        visit.sudo(self.manager).action_cancel()
        self.assertEqual((visit.state, ticket.state), ("cancelled", "visit"))
        self.assertFalse(self.visit_activity(visit))
        self.Visit._cron_generate_visits()
        self.assertEqual(self.visits(ticket), visit, "no new visit for it")

    # -- report ----------------------------------------------------------------

    def test_satisfaction_report(self):
        answers = [("5", "yes", "yes"), ("2", "no", False), ("4", False, "no")]
        tickets = self.env["crm.service.ticket"]
        for score, recommend, again in answers:
            ticket, visit = self.planned_visit()
            visit.write({"satisfaction": score, "would_recommend": recommend,
                         "would_buy_again": again})
            visit.action_done()
            tickets |= ticket
        self.planned_visit()  # planned, not counted
        Report = self.env["crm.service.satisfaction.report"].sudo(self.analyst)
        rows = Report.read_group(
            [("ticket_id", "in", tickets.ids)],
            ["team_id", "satisfaction", "recommend_pct", "buy_again_pct",
             "low_score_count", "nbr"], ["team_id"])
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row["team_id"][0], self.team.id)
        self.assertAlmostEqual(row["satisfaction"], 11 / 3.0, places=4)
        self.assertAlmostEqual(row["recommend_pct"], 50.0)
        self.assertAlmostEqual(row["buy_again_pct"], 50.0)
        self.assertEqual((row["low_score_count"], row["nbr"]), (1, 3))
        by_category = Report.read_group([("ticket_id", "in", tickets.ids)],
                                        ["category_id", "nbr"], ["category_id"])
        self.assertEqual([(r["category_id"][0], r["nbr"]) for r in by_category],
                         [(self.cat_now.id, 3)])
        with self.assertRaises(AccessError):
            self.env["crm.service.satisfaction.report"].sudo(self.agent).read_group(
                [], ["nbr"], [])

    # -- security --------------------------------------------------------------

    def test_who_sees_visits(self):
        _ticket, visit = self.planned_visit()
        Visit = self.Visit
        self.assertEqual(Visit.sudo(self.agent2).search([("id", "=", visit.id)]),
                         visit, "a member of the ticket's team")
        self.assertFalse(Visit.sudo(self.outsider).search([("id", "=", visit.id)]))
        with self.assertRaises(AccessError):
            visit.sudo(self.outsider).write({"satisfaction": "5"})
        self.assertEqual(visit.sudo(self.rep).read(["state"])[0]["state"], "planned",
                         "the customer's salesperson reads it")
        with self.assertRaises(AccessError):
            visit.sudo(self.rep).write({"comments": "Sales notes"})
        other_rep = self.new_user("visit_rep2", ["sales_team.group_sale_salesman"])
        with self.assertRaises(AccessError):
            visit.sudo(other_rep).read(["state"])
        with self.assertRaises(AccessError):
            visit.sudo(self.billing).read(["state"])
        self.assertEqual(visit.sudo(self.analyst).read(["state"])[0]["state"],
                         "planned")
        with self.assertRaises(AccessError):
            visit.sudo(self.analyst).action_done()
        with self.assertRaises(AccessError):
            self.policy_now.sudo(self.agent).write({"sample_percent": 10})
