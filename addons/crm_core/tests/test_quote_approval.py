"""Quote approval (流程审核) as ordinary users: each rule type at its boundary, the
request with one activity per approver, approve / reject with a reason, confirmation
refused while unapproved, a change after request or approval asking again, nobody
approving their own quotation, the rights on the rules and the history, and a check
whose SQL does not grow with the number of lines."""
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests.common import SavepointCase

from .common import CrmTestMixin


class ApprovalCase(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(ApprovalCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_notrack=True, lang="en_US"))
        # the demo rules are not ours to test
        cls.env["crm.quote.approval.rule"].search([]).write({"active": False})
        cls.team = cls.env["crm.team"].create({"name": "Approval Team"})
        cls.other_team = cls.env["crm.team"].create({"name": "Approval Other Team"})
        salesman = ["base.group_user", "sales_team.group_sale_salesman"]
        manager = ["base.group_user", "sales_team.group_sale_manager"]
        cls.rep = cls.new_user("appr_rep", salesman, sale_team_id=cls.team.id)
        cls.rep2 = cls.new_user("appr_rep2", salesman, sale_team_id=cls.team.id)
        cls.leader = cls.new_user(
            "appr_leader", ["base.group_user", "crm_core.group_sale_team_leader"],
            sale_team_id=cls.team.id)
        cls.team.user_id = cls.leader
        cls.manager1 = cls.new_user("appr_mgr1", manager)
        cls.manager2 = cls.new_user("appr_mgr2", manager)
        cls.manager3 = cls.new_user("appr_mgr3", manager)
        cls.approvers = cls.env["res.groups"].create({
            "name": "Test Quote Approvers",
            "users": [(6, 0, (cls.manager1 | cls.manager2).ids)],
        })
        cls.product = cls.env["product.product"].create({
            "name": "Approval Widget", "list_price": 100.0, "standard_price": 70.0,
            "taxes_id": [(6, 0, [])]})
        cls.customer = cls.env["res.partner"].create({
            "name": "Approval Customer", "customer": True, "is_company": True,
            "user_id": cls.rep.id, "team_id": cls.team.id})
        cls.level_a = cls.env.ref("crm_core.dictionary_customer_level_a")
        cls.level_b = cls.env.ref("crm_core.dictionary_customer_level_b")
        cls.activity_type = cls.env.ref("crm_core.mail_activity_type_quote_approval")

    @classmethod
    def rule(cls, condition, **vals):
        values = {"name": "Rule %s" % condition, "condition": condition,
                  "approver_group_id": cls.approvers.id}
        values.update(vals)
        return cls.env["crm.quote.approval.rule"].create(values)

    @classmethod
    def order(cls, lines=((1, 100.0, 0.0),), user=None, partner=None, team=None):
        """A quotation; ``lines``: (quantity, unit price, discount %)."""
        return cls.env["sale.order"].create({
            "partner_id": (partner or cls.customer).id,
            "user_id": (user or cls.rep).id,
            "team_id": (team or cls.team).id,
            "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": qty,
                                   "price_unit": price, "discount": discount})
                           for qty, price, discount in lines],
        })

    def approval_activities(self, order):
        return order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.activity_type)

    def request(self, order, user=None):
        order.sudo(user or self.rep).action_request_approval()
        order.invalidate_cache()

    def reject(self, order, user, reason):
        wizard = self.env["sale.order.approval.reject"].sudo(user).create(
            {"order_id": order.id, "reason": reason})
        wizard.action_reject()
        order.invalidate_cache()


class TestRuleConditions(ApprovalCase):
    """Each condition triggers just above (or below) its threshold, not at it."""

    def test_discount_above_threshold(self):
        rule = self.rule("discount", discount_threshold=15.0)
        at = self.order([(1, 100.0, 0.0), (1, 100.0, 15.0)])
        above = self.order([(1, 100.0, 15.01)])
        self.assertEqual(at.max_discount, 15.0)
        self.assertEqual(at.approval_state, "not_required")
        self.assertFalse(at.approval_rule_ids)
        self.assertEqual(above.approval_state, "required")
        self.assertEqual(above.approval_rule_ids, rule)

    def test_amount_above_threshold(self):
        rule = self.rule("amount", amount_threshold=1000.0)
        at = self.order([(10, 100.0, 0.0)])
        above = self.order([(10, 100.0, 0.0), (1, 0.01, 0.0)])
        self.assertEqual(at.amount_untaxed, 1000.0)
        self.assertEqual(at.approval_state, "not_required")
        self.assertEqual(above.amount_untaxed, 1000.01)
        self.assertEqual(above.approval_rule_ids, rule)

    def test_margin_below_threshold(self):
        rule = self.rule("margin", margin_threshold=30.0)
        at = self.order([(2, 100.0, 0.0)])  # cost 2 x 70 = 140: margin 60 = 30 %
        self.assertEqual(at.order_line.cost_price, 70.0)
        self.assertEqual(at.margin_amount, 60.0)
        self.assertEqual(at.margin_percent, 30.0)
        self.assertEqual(at.approval_state, "not_required")
        below = self.order([(2, 99.98, 0.0)])  # margin 59.96 of 199.96 = 29.99 %
        self.assertAlmostEqual(below.margin_amount, 59.96, places=2)
        self.assertAlmostEqual(below.margin_percent, 29.99, places=2)
        self.assertEqual(below.approval_rule_ids, rule)

    def test_margin_keeps_the_cost_of_the_quoted_product(self):
        self.rule("margin", margin_threshold=30.0)
        order = self.order([(1, 100.0, 0.0)])
        self.product.standard_price = 90.0
        order.invalidate_cache()
        self.assertEqual(order.margin_amount, 30.0, "quoted at a cost of 70")
        self.assertEqual(order.approval_state, "not_required")

    def test_customer_level(self):
        rule = self.rule("customer_level",
                         customer_level_ids=[(6, 0, self.level_a.ids)])
        self.customer.customer_level_id = self.level_b
        self.assertEqual(self.order().approval_state, "not_required")
        self.customer.customer_level_id = self.level_a
        self.assertEqual(self.order().approval_rule_ids, rule)
        contact = self.env["res.partner"].create(
            {"name": "Approval Contact", "parent_id": self.customer.id})
        self.assertEqual(self.order(partner=contact).approval_rule_ids, rule,
                         "a contact's quotation follows its company's level")

    def test_rule_for_other_teams_does_not_apply(self):
        self.rule("discount", discount_threshold=5.0,
                  team_ids=[(6, 0, self.other_team.ids)])
        self.assertEqual(self.order([(1, 100.0, 50.0)]).approval_state,
                         "not_required")
        self.assertEqual(
            self.order([(1, 100.0, 50.0)], team=self.other_team).approval_state,
            "required")

    def test_archived_rule_does_not_apply(self):
        rule = self.rule("discount", discount_threshold=5.0)
        rule.active = False
        self.assertEqual(self.order([(1, 100.0, 50.0)]).approval_state,
                         "not_required")

    def test_bad_rules_are_refused(self):
        with self.assertRaises(ValidationError):
            self.rule("discount", discount_threshold=100.0)
        with self.assertRaises(ValidationError):
            self.rule("amount", amount_threshold=-1.0)
        with self.assertRaises(ValidationError):
            self.rule("customer_level")
        with self.assertRaises(ValidationError):
            self.rule("discount", discount_threshold=10.0, approver_group_id=False)


class TestApprovalFlow(ApprovalCase):

    @classmethod
    def setUpClass(cls):
        super(TestApprovalFlow, cls).setUpClass()
        cls.discount_rule = cls.rule(
            "discount", name="Discount above 15 %", discount_threshold=15.0,
            approver_user_ids=[(6, 0, cls.leader.ids)])

    def test_request_creates_one_activity_per_approver(self):
        order = self.order([(1, 100.0, 20.0)])
        self.assertTrue(order.sudo(self.rep).approval_can_request)
        self.request(order)
        self.assertEqual(order.approval_state, "to_approve")
        self.assertEqual(order.approval_requested_by_id, self.rep)
        approvers = self.manager1 | self.manager2 | self.leader
        self.assertEqual(order.approver_ids, approvers)
        activities = self.approval_activities(order)
        self.assertEqual(len(activities), 3)
        self.assertEqual(activities.mapped("user_id"), approvers)
        self.assertEqual(order.approval_log_ids.mapped("action"), ["request"])
        self.assertEqual(order.approval_log_ids.user_id, self.rep)
        self.assertEqual(order.approval_log_ids.rule_ids, self.discount_rule)
        self.assertIn("Discount above 15 %", order.message_ids[0].body)
        # the approvers' queue
        queue = self.env["sale.order"].sudo(self.manager1).search(
            [("approval_state", "=", "to_approve"),
             ("approver_ids", "in", [self.manager1.id])])
        self.assertIn(order, queue)
        self.assertTrue(order.sudo(self.manager1).approval_can_decide)
        self.assertFalse(order.sudo(self.rep).approval_can_decide)

    def test_request_without_a_rule_is_refused(self):
        order = self.order([(1, 100.0, 0.0)])
        with self.assertRaises(UserError):
            order.sudo(self.rep).action_request_approval()
        self.assertEqual(order.approval_state, "not_required")

    def test_request_without_another_approver_is_refused(self):
        self.discount_rule.write({"approver_group_id": False,
                                  "approver_user_ids": [(6, 0, self.rep.ids)]})
        order = self.order([(1, 100.0, 20.0)])
        with self.assertRaisesRegex(UserError, "Discount above 15 %"):
            order.sudo(self.rep).action_request_approval()
        self.assertEqual(order.approval_state, "required")
        self.assertFalse(self.approval_activities(order))

    def test_approve_then_confirm(self):
        order = self.order([(1, 100.0, 20.0)])
        self.request(order)
        order.sudo(self.manager1).action_approve()
        order.invalidate_cache()
        self.assertEqual(order.approval_state, "approved")
        self.assertEqual(order.approved_by_id, self.manager1)
        self.assertTrue(order.approved_on)
        self.assertFalse(order.approver_ids)
        self.assertFalse(self.approval_activities(order),
                         "approving closes every approver's activity")
        self.assertEqual(order.approval_log_ids.mapped("action"),
                         ["approve", "request"])
        order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_reject_with_reason(self):
        order = self.order([(1, 100.0, 20.0)])
        self.request(order)
        self.reject(order, self.manager2, "Too much discount for this customer")
        self.assertEqual(order.approval_state, "rejected")
        self.assertEqual(order.rejected_by_id, self.manager2)
        self.assertEqual(order.rejection_reason, "Too much discount for this customer")
        self.assertFalse(self.approval_activities(order))
        log = order.approval_log_ids[0]
        self.assertEqual((log.action, log.user_id, log.reason),
                         ("reject", self.manager2,
                          "Too much discount for this customer"))
        self.assertIn("Too much discount", order.message_ids[0].body)
        with self.assertRaises(UserError):
            order.sudo(self.rep).action_confirm()
        # the rep may ask again
        self.assertTrue(order.sudo(self.rep).approval_can_request)

    def test_reject_needs_a_reason(self):
        order = self.order([(1, 100.0, 20.0)])
        self.request(order)
        with self.assertRaises(UserError):
            self.reject(order, self.manager2, "   ")
        self.assertEqual(order.approval_state, "to_approve")
        self.assertEqual(len(self.approval_activities(order)), 3)

    def test_confirm_refused_while_unapproved_writes_nothing(self):
        order = self.order([(1, 100.0, 20.0)])
        messages = len(order.message_ids)
        with self.assertRaisesRegex(UserError, "Discount above 15 %"):
            order.sudo(self.rep).action_confirm()
        order.invalidate_cache()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.confirmation_date)
        self.assertEqual(len(order.message_ids), messages)
        self.request(order)
        with self.assertRaisesRegex(UserError, "To Approve"):
            order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, "draft")
        # not even a manager or the superuser confirms around the rule
        with self.assertRaises(UserError):
            order.sudo(self.manager1).action_confirm()
        with self.assertRaises(UserError):
            order.action_confirm()

    def test_change_after_approval_asks_again(self):
        order = self.order([(1, 100.0, 20.0)])
        self.request(order)
        order.sudo(self.manager1).action_approve()
        order.sudo(self.rep).order_line.write({"discount": 25.0})
        order.invalidate_cache()
        self.assertEqual(order.approval_state, "to_approve")
        self.assertFalse(order.approved_by_id)
        self.assertEqual(len(self.approval_activities(order)), 3)
        self.assertEqual(order.approval_log_ids[0].action, "reset")
        with self.assertRaises(UserError):
            order.sudo(self.rep).action_confirm()
        # a change that no rule minds any more ends the approval
        order.sudo(self.rep).order_line.write({"discount": 10.0})
        order.invalidate_cache()
        self.assertEqual(order.approval_state, "not_required")
        self.assertFalse(self.approval_activities(order))
        order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_change_after_request_asks_again(self):
        order = self.order([(1, 100.0, 20.0)])
        self.request(order)
        before = self.approval_activities(order)
        order.sudo(self.rep).write({"order_line": [(0, 0, {
            "product_id": self.product.id, "product_uom_qty": 1,
            "price_unit": 100.0})]})
        order.invalidate_cache()
        after = self.approval_activities(order)
        self.assertEqual(order.approval_state, "to_approve")
        self.assertEqual(len(after), 3)
        self.assertFalse(before.exists(), "the old activities are closed")
        self.assertEqual(order.approval_log_ids.mapped("action"), ["reset", "request"])

    def test_removing_the_discounted_line_ends_the_approval(self):
        order = self.order([(1, 100.0, 0.0), (1, 100.0, 20.0)])
        self.request(order)
        order.sudo(self.rep).order_line.filtered(lambda line: line.discount).unlink()
        order.invalidate_cache()
        self.assertEqual(order.approval_state, "not_required")
        self.assertFalse(self.approval_activities(order))

    def test_cancelling_withdraws_the_request(self):
        order = self.order([(1, 100.0, 20.0)])
        self.request(order)
        order.sudo(self.rep).action_cancel()
        order.invalidate_cache()
        self.assertEqual(order.approval_state, "required")
        self.assertFalse(order.approver_ids)
        self.assertFalse(self.approval_activities(order))
        order.sudo(self.rep).action_draft()
        self.assertTrue(order.sudo(self.rep).approval_can_request)
        with self.assertRaises(UserError):
            order.sudo(self.rep).action_confirm()

    def test_a_rep_cannot_approve_their_own_quotation(self):
        self.approvers.users = [(4, self.rep.id)]
        order = self.order([(1, 100.0, 20.0)])
        self.request(order)
        self.assertNotIn(self.rep, order.approver_ids)
        with self.assertRaises(AccessError):
            order.sudo(self.rep).action_approve()
        with self.assertRaises(AccessError):
            order.sudo(self.rep).action_reject()
        self.assertEqual(order.approval_state, "to_approve")

    def test_the_requester_cannot_approve(self):
        """A team leader who requests a rep's approval does not approve it."""
        order = self.order([(1, 100.0, 20.0)])
        self.request(order, self.leader)
        self.assertNotIn(self.leader, order.approver_ids)
        with self.assertRaises(AccessError):
            order.sudo(self.leader).action_approve()

    def test_only_approvers_approve(self):
        order = self.order([(1, 100.0, 20.0)])
        self.request(order)
        with self.assertRaises(AccessError):
            order.sudo(self.manager3).action_approve()
        with self.assertRaises(AccessError):
            self.reject(order, self.manager3, "Not mine to decide")
        with self.assertRaises(AccessError):
            order.sudo(self.rep2).action_approve()
        self.assertEqual(order.approval_state, "to_approve")
        self.assertEqual(len(self.approval_activities(order)), 3)
        # an approver user (not in the group) approves
        order.sudo(self.leader).action_approve()
        order.invalidate_cache()
        self.assertEqual(order.approval_state, "approved")

    def test_the_workflow_fields_are_not_writable(self):
        order = self.order([(1, 100.0, 20.0)])
        with self.assertRaises(AccessError):
            order.sudo(self.rep).write({"approval_state": "approved"})
        with self.assertRaises(AccessError):
            order.sudo(self.manager1).write(
                {"approved_rule_ids": [(6, 0, self.discount_rule.ids)]})
        with self.assertRaises(AccessError):
            order.write({"credit_override_by_id": self.manager1.id})
        with self.assertRaises(AccessError):
            self.env["sale.order"].sudo(self.rep).create({
                "partner_id": self.customer.id, "approval_state": "approved"})
        with self.assertRaises(AccessError):
            self.env["sale.order"].sudo(self.rep).with_context(
                default_approval_state="approved").create(
                    {"partner_id": self.customer.id})
        order.invalidate_cache()
        self.assertEqual(order.approval_state, "required")

    def test_each_rule_by_its_own_approvers(self):
        amount_rule = self.rule("amount", name="Amount above 50",
                                amount_threshold=50.0, approver_group_id=False,
                                approver_user_ids=[(6, 0, self.manager3.ids)])
        self.discount_rule.approver_user_ids = [(5,)]
        order = self.order([(1, 100.0, 20.0)])
        self.request(order)
        self.assertEqual(order.approval_rule_ids, self.discount_rule | amount_rule)
        order.sudo(self.manager1).action_approve()
        order.invalidate_cache()
        self.assertEqual(order.approval_state, "to_approve")
        self.assertEqual(order.approved_rule_ids, self.discount_rule)
        self.assertEqual(order.approver_ids, self.manager3)
        self.assertEqual(self.approval_activities(order).mapped("user_id"),
                         self.manager3)
        with self.assertRaises(UserError):
            order.sudo(self.rep).action_confirm()
        order.sudo(self.manager3).action_approve()
        order.invalidate_cache()
        self.assertEqual(order.approval_state, "approved")
        order.sudo(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_a_rule_added_after_approval_holds_the_confirmation(self):
        order = self.order([(1, 100.0, 20.0)])
        self.request(order)
        order.sudo(self.manager1).action_approve()
        self.rule("amount", name="Amount above 50", amount_threshold=50.0)
        order.invalidate_cache()
        with self.assertRaisesRegex(UserError, "Amount above 50"):
            order.sudo(self.rep).action_confirm()
        self.assertTrue(order.sudo(self.rep).approval_can_request)

    def test_the_check_does_not_grow_with_the_lines(self):
        self.rule("amount", amount_threshold=1000000.0)
        self.rule("margin", margin_threshold=-50.0)
        self.rule("customer_level", customer_level_ids=[(6, 0, self.level_a.ids)],
                  team_ids=[(6, 0, self.team.ids)])
        small = self.order([(1, 100.0, 1.0)] * 2)
        large = self.order([(1, 100.0, 1.0)] * 20)
        self.assertEqual(len(large.order_line), 20)
        for order in (small, large):  # warm the rep's access-rule caches
            order.sudo(self.rep)._approval_check_confirm()
        counts = []
        for order in (small, large):
            order.invalidate_cache()
            with self.assertMaxQueries(20) as counter:
                order.sudo(self.rep)._approval_check_confirm()
            counts.append(counter.count)
        self.assertEqual(counts[0], counts[1])


class TestApprovalSecurity(ApprovalCase):

    @classmethod
    def setUpClass(cls):
        super(TestApprovalSecurity, cls).setUpClass()
        cls.discount_rule = cls.rule("discount", discount_threshold=15.0)

    def test_everybody_reads_the_rules_managers_change_them(self):
        Rule = self.env["crm.quote.approval.rule"]
        self.assertIn(self.discount_rule, Rule.sudo(self.rep).search([]))
        with self.assertRaises(AccessError):
            self.discount_rule.sudo(self.rep).write({"discount_threshold": 50.0})
        with self.assertRaises(AccessError):
            Rule.sudo(self.rep).create({
                "name": "Mine", "condition": "discount", "discount_threshold": 90.0,
                "approver_user_ids": [(6, 0, self.rep2.ids)]})
        created = Rule.sudo(self.manager1).create({
            "name": "Manager's", "condition": "amount", "amount_threshold": 10.0,
            "approver_group_id": self.approvers.id})
        created.sudo(self.manager1).write({"amount_threshold": 20.0})
        self.assertEqual(created.amount_threshold, 20.0)

    def test_rules_of_another_company_are_hidden(self):
        other = self.env["res.company"].create({"name": "Approval Other Co"})
        foreign = self.env["crm.quote.approval.rule"].create({
            "name": "Foreign", "condition": "discount", "discount_threshold": 1.0,
            "company_id": other.id, "approver_group_id": self.approvers.id})
        Rule = self.env["crm.quote.approval.rule"]
        self.assertNotIn(foreign, Rule.sudo(self.manager1).search([]))
        with self.assertRaises(AccessError):
            foreign.sudo(self.manager1).read(["name"])
        self.manager3.write({"company_ids": [(4, other.id)], "company_id": other.id})
        self.assertIn(foreign, Rule.sudo(self.manager3).search([]))
        # and it does not apply to this company's quotations
        self.assertEqual(self.order([(1, 100.0, 5.0)]).approval_state,
                         "not_required")

    def test_the_history_follows_the_order_scope(self):
        mine = self.order([(1, 100.0, 20.0)])
        colleague = self.order([(1, 100.0, 20.0)], user=self.rep2)
        self.request(mine)
        self.request(colleague, self.rep2)
        logs = (mine | colleague).mapped("approval_log_ids")
        Log = self.env["crm.quote.approval.log"]
        self.assertEqual(Log.sudo(self.rep).search([("id", "in", logs.ids)]),
                         mine.approval_log_ids)
        with self.assertRaises(AccessError):
            colleague.approval_log_ids.sudo(self.rep).read(["action"])
        self.assertEqual(Log.sudo(self.leader).search([("id", "in", logs.ids)]), logs)
        self.assertEqual(Log.sudo(self.manager3).search([("id", "in", logs.ids)]),
                         logs)

    def test_nobody_writes_the_history(self):
        order = self.order([(1, 100.0, 20.0)])
        self.request(order)
        log = order.approval_log_ids
        for user in (self.rep, self.manager1):
            with self.assertRaises(AccessError):
                log.sudo(user).write({"reason": "Rewritten"})
            with self.assertRaises(AccessError):
                self.env["crm.quote.approval.log"].sudo(user).create({
                    "order_id": order.id, "action": "approve", "user_id": user.id})
            with self.assertRaises(AccessError):
                log.sudo(user).unlink()
