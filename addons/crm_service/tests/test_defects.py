"""Defect tracking: detection from resolved tickets (idempotent, routed to the
department's manager with its own due date), the spike alert once per spike,
the Pareto report, and who may see and change defects (as ordinary users)."""
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .common import ServiceCase


class DefectCase(ServiceCase):

    @classmethod
    def setUpClass(cls):
        super(DefectCase, cls).setUpClass()
        cls.now = fields.Datetime.from_string(fields.Datetime.now())
        cls.head = cls.new_user("def_head", ["base.group_user"])
        cls.member = cls.new_user("def_member", ["base.group_user"])
        cls.stranger = cls.new_user("def_stranger", ["base.group_user"])
        cls.department = cls.env["hr.department"].create({"name": "Def Quality"})
        head_employee = cls.env["hr.employee"].create({
            "name": "Def Head", "user_id": cls.head.id,
            "department_id": cls.department.id})
        cls.env["hr.employee"].create({
            "name": "Def Member", "user_id": cls.member.id,
            "department_id": cls.department.id})
        cls.department.write({"manager_id": head_employee.id})
        cls.lathe = cls.env["product.product"].create({"name": "Def Lathe"})
        cls.pump = cls.env["product.product"].create({"name": "Def Pump"})
        cls.rule = cls.env["crm.service.defect.rule"].create({
            "name": "Def machine faults", "category_id": cls.category.id,
            "window_days": 7, "min_tickets": 5, "spike_factor": 3.0,
            "spike_windows": 4, "department_id": cls.department.id,
            "resolve_days": 10})

    @classmethod
    def resolved(cls, hours_ago, product=None, **vals):
        when = cls.now - timedelta(hours=hours_ago)
        values = {"state": "resolved", "solution": "Fixed.",
                  "product_id": (product or cls.lathe).id,
                  "resolved_date": fields.Datetime.to_string(when)}
        values.update(vals)
        return cls.ticket(**values)

    @classmethod
    def resolved_many(cls, count, start_hours=1, step_hours=10, **vals):
        tickets = cls.env["crm.service.ticket"]
        for number in range(count):
            tickets |= cls.resolved(start_hours + number * step_hours, **vals)
        return tickets

    def detect(self, now=None):
        return self.rule._detect(now or self.now)

    def defects(self, product=None):
        return self.env["crm.service.defect"].search(
            [("product_id", "=", (product or self.lathe).id)])

    def activities(self, defect, user):
        return self.env["mail.activity"].search([
            ("res_model", "=", "crm.service.defect"), ("res_id", "=", defect.id),
            ("user_id", "=", user.id)])


class TestDetection(DefectCase):

    def test_enough_tickets_make_one_defect_for_the_department(self):
        tickets = self.resolved_many(6)
        self.resolved_many(4, product=self.pump)  # below the minimum
        found = self.detect()
        defect = self.defects()
        self.assertEqual(found, defect)
        self.assertEqual(len(defect), 1)
        self.assertFalse(self.defects(self.pump))
        self.assertEqual(defect.ticket_ids, tickets)
        self.assertEqual(defect.ticket_count, 6)
        self.assertEqual((defect.product_id, defect.category_id, defect.rule_id,
                          defect.state), (self.lathe, self.subcategory, self.rule,
                                          "open"))
        self.assertEqual((defect.department_id, defect.user_id),
                         (self.department, self.head))
        self.assertEqual(defect.due_date, fields.Date.to_string(
            self.now + timedelta(days=10)))
        self.assertEqual(defect.first_ticket_date, min(tickets.mapped("resolved_date")))
        self.assertEqual(defect.last_ticket_date, max(tickets.mapped("resolved_date")))
        activity = self.activities(defect, self.head)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, defect.due_date)
        self.assertIn("Def Lathe", defect.name)

    def test_detection_is_idempotent_and_new_tickets_join_the_open_defect(self):
        self.resolved_many(6)
        defect = self.detect()
        messages = len(defect.message_ids)
        self.assertFalse(self.detect())
        self.assertEqual(self.defects(), defect)
        self.assertEqual(defect.ticket_count, 6)
        self.assertEqual(len(defect.message_ids), messages)
        self.assertEqual(len(self.activities(defect, self.head)), 1)
        later = self.resolved_many(2, start_hours=0.5, step_hours=0.1)
        self.assertEqual(self.detect(), defect)
        self.assertEqual(defect.ticket_count, 8)
        self.assertEqual(later.mapped("defect_id"), defect)
        self.assertIn("2 more tickets", defect.message_ids[0].body)
        self.assertEqual(len(self.activities(defect, self.head)), 1)

    def test_a_closed_defect_keeps_its_tickets_and_new_ones_make_a_new_defect(self):
        self.resolved_many(6)
        first = self.detect()
        first.sudo(self.manager).action_fix()
        self.assertFalse(self.detect())  # the same tickets do not count again
        second_batch = self.resolved_many(5, start_hours=0.5, step_hours=0.1)
        second = self.detect()
        self.assertEqual(len(second), 1)
        self.assertNotEqual(second, first)
        self.assertEqual(second.ticket_ids, second_batch)
        self.assertEqual(first.ticket_count, 6)
        with self.assertRaisesRegex(UserError, "cannot be reopened"):
            first.sudo(self.manager).action_reopen()

    def test_one_open_defect_per_product_and_category_in_the_database(self):
        self.resolved_many(6)
        defect = self.detect()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.env["crm.service.defect"].create({
                "name": "Twin", "product_id": self.lathe.id,
                "category_id": defect.category_id.id})

    def test_old_tickets_and_other_categories_are_left_alone(self):
        self.resolved_many(6, start_hours=24 * 8)
        self.resolved_many(6, category_id=self.billing_category().id)
        self.assertFalse(self.detect())

    def billing_category(self):
        return self.env["crm.service.category"].create({"name": "Def Billing"})

    def test_the_rule_user_wins_over_the_department_manager(self):
        self.rule.write({"user_id": self.manager.id})
        self.resolved_many(5)
        defect = self.detect()
        self.assertEqual(defect.user_id, self.manager)
        todo = self.activities(defect, self.manager).filtered(
            lambda a: a.summary.startswith("Defect to investigate"))
        self.assertEqual(len(todo), 1)
        self.assertFalse(self.activities(defect, self.head))

    def test_keyword_rules_split_defects_by_keyword(self):
        self.rule.write({"keywords": "主轴、报警"})
        self.resolved_many(5, name="主轴异响")
        self.resolved_many(5, name="报警灯亮", start_hours=2)
        self.resolved_many(5, name="门关不上", start_hours=3)
        self.detect()
        self.assertEqual(sorted(self.defects().mapped("keyword")), ["主轴", "报警"])

    def test_bad_rule_settings_are_named(self):
        rules = self.env["crm.service.defect.rule"]
        for field, value, label in (("window_days", 0, "Window"),
                                    ("min_tickets", 0, "Minimum Tickets"),
                                    ("spike_factor", 1.0, "Spike Factor"),
                                    ("spike_windows", 0, "Baseline Windows"),
                                    ("resolve_days", -1, "Days to Resolve")):
            with self.assertRaisesRegex(ValidationError, label), \
                    self.env.cr.savepoint():
                rules.create({"name": "Bad", field: value})
        self.assertFalse(rules.search([("name", "=", "Bad")]))

    def test_detect_now_button_is_for_managers(self):
        self.resolved_many(5)
        action = self.rule.sudo(self.manager).action_detect()
        self.assertEqual(action["res_model"], "crm.service.defect")
        self.assertTrue(self.defects())
        self.assertLessEqual(set(self.defects().ids), set(action["domain"][0][2]))
        self.resolved_many(5, product=self.pump)
        with self.assertRaises(AccessError):
            self.rule.sudo(self.agent).action_detect()
        self.assertFalse(self.defects(self.pump))


class TestSpike(DefectCase):

    def test_a_spike_alerts_managers_once(self):
        # one ticket in each of two earlier windows, then ten in the last week
        self.resolved(24 * 9)
        self.resolved(24 * 16)
        self.resolved_many(10)
        defect = self.detect()
        self.assertEqual(defect.spike_count, 1)
        self.assertTrue(defect.last_spike_date)
        alerts = defect.message_ids.filtered(lambda m: "Spike" in (m.body or ""))
        self.assertEqual(len(alerts), 1)
        self.assertIn("10 tickets in the last 7 days", alerts.body)
        self.assertEqual(len(self.activities(defect, self.manager)), 1)
        self.assertFalse(self.activities(defect, self.agent))
        # the next days of the same spike: no second alert
        self.resolved_many(2, start_hours=0.2, step_hours=0.1)
        self.detect()
        self.detect(self.now + timedelta(days=1))
        self.assertEqual(defect.spike_count, 1)
        self.assertEqual(len(self.activities(defect, self.manager)), 1)

    def test_steady_failures_are_no_spike(self):
        for week in range(5):
            self.resolved_many(5, start_hours=24 * 7 * week + 1)
        defect = self.detect()
        self.assertEqual(defect.ticket_count, 5)
        self.assertEqual(defect.spike_count, 0)
        self.assertFalse(self.activities(defect, self.manager))


class TestDefectSecurity(DefectCase):

    @classmethod
    def setUpClass(cls):
        super(TestDefectSecurity, cls).setUpClass()
        cls.resolved_many(5)
        cls.defect = cls.rule._detect(cls.now)

    def test_the_department_reads_and_works_its_defect(self):
        for user in (self.head, self.member):
            defect = self.defect.sudo(user)
            self.assertEqual(defect.name, self.defect.name)
            self.assertIn(self.defect, defect.search([]))
        self.defect.sudo(self.head).action_investigate()
        self.defect.sudo(self.member).write({"description": "Encoder cable."})
        self.assertEqual(self.defect.state, "investigating")

    def test_other_employees_see_nothing(self):
        self.assertNotIn(self.defect, self.defect.sudo(self.stranger).search([]))
        with self.assertRaises(AccessError):
            self.defect.sudo(self.stranger).read(["name"])
        with self.assertRaises(AccessError):
            self.defect.sudo(self.stranger).action_investigate()

    def test_agents_read_all_but_change_none(self):
        self.assertEqual(self.defect.sudo(self.agent).name, self.defect.name)
        with self.assertRaises(AccessError):
            self.defect.sudo(self.agent).action_fix()
        with self.assertRaises(AccessError):
            self.env["crm.service.defect"].sudo(self.agent).create({
                "name": "By hand", "product_id": self.pump.id})
        with self.assertRaises(AccessError):
            self.rule.sudo(self.agent).write({"min_tickets": 1})
        self.assertEqual(self.defect.state, "open")

    def test_managers_do_everything(self):
        manual = self.env["crm.service.defect"].sudo(self.manager).create({
            "name": "By hand", "product_id": self.pump.id,
            "department_id": self.department.id})
        manual.action_fix()
        manual.action_close()
        self.assertEqual(manual.state, "closed")
        self.rule.sudo(self.manager).write({"min_tickets": 3})
        with self.assertRaisesRegex(UserError, "allowed only from"):
            manual.action_fix()


class TestPareto(DefectCase):

    @classmethod
    def setUpClass(cls):
        super(TestPareto, cls).setUpClass()
        cls.company = cls.env["res.company"].create({
            "name": "Pareto Co", "parent_id": cls.env.user.company_id.id})
        causes = cls.env["crm.dictionary.item"].search(
            [("dictionary_code", "=", "service_root_cause")], order="sequence")
        cls.design, cls.making = causes[0], causes[1]
        drill = cls.env["product.product"].create({"name": "Def Drill"})
        spread = [(cls.lathe, cls.making, 5), (cls.pump, cls.design, 3),
                  (drill, cls.making, 2)]
        for product, cause, count in spread:
            cls.resolved_many(count, product=product, root_cause_id=cause.id,
                              company_id=cls.company.id)
        # open tickets do not count
        cls.ticket(product_id=drill.id, company_id=cls.company.id)
        cls.drill = drill

    def rows(self, dimension, user=None):
        report = self.env["crm.service.defect.report"]
        if user:
            report = report.sudo(user)
        return report.search([("dimension", "=", dimension),
                              ("company_id", "=", self.company.id)])

    def test_by_product_sorted_with_cumulative_share(self):
        rows = self.rows("product")
        self.assertEqual([(r.rank, r.product_id, r.ticket_count, r.percent,
                           r.cumulative_percent, r.vital_few) for r in rows], [
            (1, self.lathe, 5, 50.0, 50.0, True),
            (2, self.pump, 3, 30.0, 80.0, True),
            (3, self.drill, 2, 20.0, 100.0, False),
        ])

    def test_by_root_cause(self):
        rows = self.rows("root_cause")
        self.assertEqual([(r.root_cause_id, r.ticket_count, r.cumulative_percent)
                          for r in rows],
                         [(self.making, 7, 70.0), (self.design, 3, 100.0)])

    def test_managers_and_analysts_read_it_agents_do_not(self):
        analyst = self.new_user("def_analyst", ["crm_core.group_analyst"])
        self.assertEqual(len(self.rows("product", self.manager)), 3)
        self.assertEqual(len(self.rows("product", analyst)), 3)
        with self.assertRaises(AccessError):
            self.rows("product", self.agent)
