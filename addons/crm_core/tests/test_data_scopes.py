"""Configurable data scopes (数据权限) as ordinary users: own, team, department and
sub-departments, all and the open pool, on customers, leads, orders, order lines and
follow-ups; a change of the configuration, of a team or of a department shows at
once; each allow and each deny."""
from odoo.exceptions import AccessError

from ..hooks import REPLACED_RULES, uninstall_hook
from .test_pool import PoolCase


class TestDataScopes(PoolCase):

    @classmethod
    def setUpClass(cls):
        super(TestDataScopes, cls).setUpClass()
        # Departments: Region > Group; rep1 works in the group, the head in the
        # region, rep3 elsewhere. rep2 has no employee record.
        Department = cls.env["hr.department"]
        cls.region = Department.create({"name": "Scope Region"})
        cls.group = Department.create({"name": "Scope Group",
                                       "parent_id": cls.region.id})
        cls.elsewhere_dept = Department.create({"name": "Scope Elsewhere"})
        cls.head = cls.new_user(
            "scope_head", ["base.group_user", "crm_core.group_sale_department_head"])
        Employee = cls.env["hr.employee"]
        Employee.create({"name": "Head", "user_id": cls.head.id,
                         "department_id": cls.region.id})
        Employee.create({"name": "Rep 1", "user_id": cls.rep1.id,
                         "department_id": cls.group.id})
        cls.rep3_employee = Employee.create(
            {"name": "Rep 3", "user_id": cls.rep3.id,
             "department_id": cls.elsewhere_dept.id})

        cls.mine = cls.customer("Scope Mine", owner=cls.rep1, team_id=cls.team.id)
        cls.colleague = cls.customer("Scope Colleague", owner=cls.rep2,
                                     team_id=cls.team.id)
        cls.elsewhere = cls.customer("Scope Elsewhere Co", owner=cls.rep3,
                                     team_id=cls.other_team.id)
        cls.waiting = cls.customer("Scope Waiting")
        cls.partners = cls.mine | cls.colleague | cls.elsewhere | cls.waiting

        Lead = cls.env["crm.lead"]
        cls.lead_mine = Lead.create({"name": "L mine", "user_id": cls.rep1.id,
                                     "team_id": cls.team.id})
        cls.lead_colleague = Lead.create({"name": "L colleague",
                                          "user_id": cls.rep2.id,
                                          "team_id": cls.team.id})
        cls.lead_elsewhere = Lead.create({"name": "L elsewhere",
                                          "user_id": cls.rep3.id,
                                          "team_id": cls.other_team.id})
        cls.lead_unassigned = Lead.create({"name": "L unassigned", "user_id": False,
                                           "team_id": False})
        cls.leads = cls.lead_mine | cls.lead_colleague | cls.lead_elsewhere \
            | cls.lead_unassigned

        Order = cls.env["sale.order"]
        product = cls.env["product.product"].create({"name": "Scope Widget"})

        def order(partner, user, team):
            return Order.create({
                "partner_id": partner.id, "user_id": user.id, "team_id": team.id,
                "order_line": [(0, 0, {"product_id": product.id,
                                       "product_uom_qty": 1, "price_unit": 10})]})

        cls.order_mine = order(cls.mine, cls.rep1, cls.team)
        cls.order_colleague = order(cls.colleague, cls.rep2, cls.team)
        cls.order_elsewhere = order(cls.elsewhere, cls.rep3, cls.other_team)
        cls.orders = cls.order_mine | cls.order_colleague | cls.order_elsewhere

        channel = cls.env.ref("crm_core.dictionary_followup_channel_visit")
        Followup = cls.env["crm.followup"]

        def followup(partner, user):
            return Followup.create({"partner_id": partner.id, "user_id": user.id,
                                    "channel_id": channel.id, "summary": "Visit"})

        cls.followup_mine = followup(cls.mine, cls.rep1)
        cls.followup_colleague = followup(cls.colleague, cls.rep2)
        cls.followup_elsewhere = followup(cls.elsewhere, cls.rep3)
        cls.followups = cls.followup_mine | cls.followup_colleague \
            | cls.followup_elsewhere
        cls.salesman_scope = cls.env.ref("crm_core.data_scope_salesman")

    def setUp(self):
        super(TestDataScopes, self).setUp()
        # the rules cache the domains a test's changes produced; the savepoint
        # rollback (registered before) runs after this
        self.addCleanup(self.env["ir.rule"].clear_caches)

    def seen(self, user, records):
        return records.sudo(user).search([("id", "in", records.ids)])

    # --- own and pool (the salesperson's defaults) --------------------------------

    def test_own_scope(self):
        self.assertEqual(self.seen(self.rep1, self.partners),
                         self.mine | self.waiting)
        self.assertEqual(self.seen(self.rep1, self.leads),
                         self.lead_mine | self.lead_unassigned)
        self.assertEqual(self.seen(self.rep1, self.orders), self.order_mine)
        self.assertEqual(self.seen(self.rep1, self.orders.mapped("order_line")),
                         self.order_mine.order_line)
        self.assertEqual(self.seen(self.rep1, self.followups), self.followup_mine)
        with self.assertRaises(AccessError):
            self.order_colleague.sudo(self.rep1).read(["name"])
        with self.assertRaises(AccessError):
            self.lead_elsewhere.sudo(self.rep1).write({"name": "Mine now"})

    def test_without_the_pool(self):
        self.salesman_scope.pool_access = False
        self.assertEqual(self.seen(self.rep1, self.partners), self.mine)
        self.assertEqual(self.seen(self.rep1, self.leads), self.lead_mine)

    def test_a_salesperson_without_any_scope_row_sees_own_and_the_pool(self):
        self.salesman_scope.active = False
        self.assertEqual(self.seen(self.rep1, self.partners),
                         self.mine | self.waiting)
        self.assertEqual(self.seen(self.rep1, self.orders), self.order_mine)

    # --- team -----------------------------------------------------------------------

    def test_team_scope(self):
        self.assertEqual(self.seen(self.leader, self.partners),
                         self.mine | self.colleague | self.waiting)
        self.assertEqual(self.seen(self.leader, self.leads),
                         self.lead_mine | self.lead_colleague | self.lead_unassigned)
        self.assertEqual(self.seen(self.leader, self.orders),
                         self.order_mine | self.order_colleague)
        self.assertEqual(self.seen(self.leader, self.orders.mapped("order_line")),
                         (self.order_mine | self.order_colleague).mapped("order_line"))
        self.assertEqual(self.seen(self.leader, self.followups),
                         self.followup_mine | self.followup_colleague)
        with self.assertRaises(AccessError):
            self.elsewhere.sudo(self.leader).read(["name"])
        self.order_colleague.sudo(self.leader).write({"note": "Checked"})

    def test_leading_another_team_shows_at_once(self):
        self.assertNotIn(self.elsewhere, self.seen(self.leader, self.partners))
        self.other_team.user_id = self.leader
        self.assertIn(self.elsewhere, self.seen(self.leader, self.partners))
        self.assertIn(self.order_elsewhere, self.seen(self.leader, self.orders))

    # --- department and sub-departments --------------------------------------------

    def test_department_scope(self):
        self.assertEqual(self.seen(self.head, self.partners),
                         self.mine | self.waiting)
        self.assertEqual(self.seen(self.head, self.leads),
                         self.lead_mine | self.lead_unassigned)
        self.assertEqual(self.seen(self.head, self.orders), self.order_mine)
        self.assertEqual(self.seen(self.head, self.followups), self.followup_mine)
        with self.assertRaises(AccessError):
            self.colleague.sudo(self.head).read(["name"])
        self.mine.sudo(self.head).write({"phone": "+86 21 5555 0000"})

    def test_moving_an_employee_into_the_department_shows_at_once(self):
        self.assertNotIn(self.elsewhere, self.seen(self.head, self.partners))
        self.rep3_employee.department_id = self.group
        self.assertIn(self.elsewhere, self.seen(self.head, self.partners))
        self.assertIn(self.lead_elsewhere, self.seen(self.head, self.leads))

    def test_a_department_below_a_managed_one_counts(self):
        """The head manages the elsewhere department (without working in it): its
        people and any department under it are in scope."""
        below = self.env["hr.department"].create(
            {"name": "Scope Below", "parent_id": self.elsewhere_dept.id})
        self.rep3_employee.department_id = below
        self.assertNotIn(self.elsewhere, self.seen(self.head, self.partners))
        head_employee = self.env["hr.employee"].search(
            [("user_id", "=", self.head.id)])
        self.elsewhere_dept.manager_id = head_employee
        self.assertIn(self.elsewhere, self.seen(self.head, self.partners))

    # --- configuration --------------------------------------------------------------

    def test_configuring_a_wider_scope_shows_at_once(self):
        self.assertNotIn(self.colleague, self.seen(self.rep1, self.partners))
        self.salesman_scope.write({"customer_scope": "team", "lead_scope": "all"})
        self.assertIn(self.colleague, self.seen(self.rep1, self.partners))
        self.assertNotIn(self.elsewhere, self.seen(self.rep1, self.partners))
        self.assertEqual(self.seen(self.rep1, self.leads), self.leads)
        self.assertEqual(self.seen(self.rep1, self.orders), self.order_mine,
                         "orders keep their own scope")

    def test_configuring_a_narrower_scope_for_a_manager_role(self):
        manager = self.new_user("scope_mgr", ["base.group_user",
                                              "sales_team.group_sale_manager"],
                                sale_team_id=self.other_team.id)
        self.assertEqual(self.seen(manager, self.orders), self.orders)
        self.env.ref("crm_core.data_scope_all_leads").order_scope = "team"
        # own team (other_team) and own department (none: own) add up
        self.assertEqual(self.seen(manager, self.orders), self.order_elsewhere)

    def test_the_scopes_of_several_roles_add_up(self):
        both = self.new_user("scope_both", ["base.group_user",
                                            "sales_team.group_sale_salesman",
                                            "crm_core.group_service_agent"])
        self.assertEqual(self.seen(both, self.partners), self.partners)
        self.assertEqual(self.seen(both, self.orders), self.orders,
                         "the service role sees every order")
        self.assertEqual(self.seen(both, self.leads), self.lead_unassigned,
                         "both roles see their own leads and the pool")

    def test_a_role_outside_sales_without_a_row_is_not_narrowed(self):
        hr_only = self.new_user("scope_hr", ["base.group_user", "hr.group_hr_user"])
        self.assertEqual(self.seen(hr_only, self.partners), self.partners)

    def test_who_may_read_and_change_the_scopes(self):
        Scope = self.env["crm.data.scope"]
        self.assertEqual(Scope.sudo(self.rep1).search([]), self.salesman_scope)
        with self.assertRaises(AccessError):
            self.env.ref("crm_core.data_scope_analyst").sudo(self.rep1).read(
                ["customer_scope"])
        with self.assertRaises(AccessError):
            self.salesman_scope.sudo(self.rep1).write({"customer_scope": "all"})
        admin = self.new_user("scope_admin", ["base.group_user",
                                              "crm_core.group_crm_admin"])
        self.salesman_scope.sudo(admin).write({"customer_scope": "team"})
        self.assertGreater(len(Scope.sudo(admin).search([])), 5)

    def test_why_can_i_see_this_matches_the_scopes(self):
        self.salesman_scope.customer_scope = "team"
        for user in (self.rep1, self.rep3, self.leader, self.head):
            visible = self.seen(user, self.partners)
            for partner in self.partners:
                with self.subTest(user=user.login, partner=partner.name):
                    reasons = partner._explain_access(user)
                    self.assertEqual(bool(reasons), partner in visible, reasons)
        self.assertTrue(any("department" in r
                            for r in self.mine._explain_access(self.head)))

    def test_uninstall_gives_odoo_its_rules_back(self):
        rules = self.env["ir.rule"].with_context(active_test=False)
        replaced = rules.browse([self.env.ref(x).id for x in REPLACED_RULES])
        self.assertFalse(any(replaced.mapped("active")))
        uninstall_hook(self.env.cr, self.env.registry)
        self.assertTrue(all(replaced.mapped("active")))
