"""Complaint compensation (抱怨补偿): approval tiers that stack, the draft credit note
finance validates, refunds of the ticket's invoice, the policy maximum, coupons a
salesperson applies to a quotation, the cost report, and who sees what (amounts
only for service managers and finance)."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .complaint_common import ComplaintCase


class TestCompensation(ComplaintCase):

    def approval_activities(self, comp, user):
        return self.env["mail.activity"].search([
            ("res_model", "=", comp._name), ("res_id", "=", comp.id),
            ("user_id", "=", user.id),
            ("activity_type_id", "=",
             self.env.ref("crm_service.mail_activity_compensation_approval").id)])

    # -- approval tiers ------------------------------------------------------

    def test_below_every_tier_approved_at_once_as_draft_credit_note(self):
        comp = self.compensation(self.agent, quantity=3)
        self.assertEqual(comp.amount, 300.0, "3 units of the standard 100")
        comp.sudo(self.agent).action_submit()
        self.assertEqual(comp.state, "approved")
        self.assertFalse(comp.approval_ids)
        credit = comp.invoice_id
        self.assertEqual(credit.type, "out_refund")
        self.assertEqual(credit.state, "draft")
        self.assertEqual(credit.partner_id, self.customer)
        self.assertEqual(credit.amount_total, 300.0)
        self.assertEqual(credit.crm_compensation_id, comp)
        self.assertFalse(credit.refund_invoice_id)
        self.assertEqual(credit.account_id,
                         self.customer.property_account_receivable_id)
        line = credit.invoice_line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.product_id, self.compensation_product)
        self.assertEqual(
            line.account_id,
            self.compensation_product.categ_id.property_account_income_categ_id)
        self.assertFalse(line.invoice_line_tax_ids)
        # finance validates it: the compensation is done
        credit.sudo(self.billing).action_invoice_open()
        self.assertEqual(credit.state, "open")
        self.assertEqual(comp.state, "done")
        # cancelling the credit note makes it wait again
        credit.journal_id.update_posted = True
        credit.sudo(self.billing).action_invoice_cancel()
        self.assertEqual(comp.state, "approved")

    def test_exactly_the_threshold_needs_no_approval(self):
        comp = self.compensation(self.agent, quantity=5)
        comp.sudo(self.agent).action_submit()
        self.assertEqual(comp.state, "approved", "500 is not above 500")

    def test_above_one_threshold_needs_the_service_manager(self):
        comp = self.compensation(self.agent, quantity=7)
        comp.sudo(self.agent).action_submit()
        self.assertEqual(comp.state, "to_approve")
        self.assertEqual(len(comp.approval_ids), 1)
        self.assertEqual(comp.approval_ids.state, "pending")
        self.assertIn(self.manager, comp.pending_approver_ids)
        self.assertNotIn(self.finance, comp.pending_approver_ids)
        self.assertTrue(self.approval_activities(comp, self.manager))
        self.assertFalse(comp.invoice_id)
        with self.assertRaises(UserError):
            comp.sudo(self.agent).approve()
        self.assertFalse(comp.sudo(self.agent).can_decide)
        self.assertTrue(comp.sudo(self.manager).can_decide)
        comp.sudo(self.manager).approve("Fine")
        self.assertEqual(comp.state, "approved")
        line = comp.approval_ids
        self.assertEqual((line.state, line.decided_by_id, line.note),
                         ("approved", self.manager, "Fine"))
        self.assertTrue(line.decided_date)
        self.assertFalse(self.approval_activities(comp, self.manager))
        self.assertEqual(comp.invoice_id.amount_total, 700.0)

    def test_tiers_stack_lowest_first(self):
        comp = self.compensation(self.agent, quantity=60)
        comp.sudo(self.agent).action_submit()
        first, second = comp.approval_ids.sorted("sequence")
        self.assertEqual((first.state, second.state), ("pending", "waiting"))
        self.assertEqual(first.group_id, self.env.ref("crm_core.group_service_manager"))
        self.assertEqual(second.group_id, self.env.ref("account.group_account_manager"))
        with self.assertRaises(UserError):
            comp.sudo(self.finance).approve()  # the manager's step comes first
        comp.sudo(self.manager).approve()
        self.assertEqual(comp.state, "to_approve")
        self.assertEqual((first.state, second.state), ("approved", "pending"))
        self.assertIn(self.finance, comp.pending_approver_ids)
        self.assertNotIn(self.manager, comp.pending_approver_ids)
        self.assertTrue(self.approval_activities(comp, self.finance))
        with self.assertRaises(UserError):
            comp.sudo(self.manager).approve()
        comp.sudo(self.finance).approve()
        self.assertEqual(comp.state, "approved")
        self.assertEqual(second.decided_by_id, self.finance)
        self.assertEqual(comp.invoice_id.amount_total, 6000.0)
        self.assertFalse(comp.pending_approver_ids)

    def test_refusal_stops_the_request(self):
        comp = self.compensation(self.agent, quantity=60)
        comp.sudo(self.agent).action_submit()
        with self.assertRaises(UserError):
            comp.sudo(self.manager).refuse("  ")
        comp.sudo(self.manager).refuse("Not our fault")
        self.assertEqual(comp.state, "refused")
        first, second = comp.approval_ids.sorted("sequence")
        self.assertEqual((first.state, first.note), ("refused", "Not our fault"))
        self.assertEqual(second.state, "cancelled")
        self.assertFalse(comp.invoice_id)
        self.assertFalse(self.approval_activities(comp, self.manager))
        with self.assertRaises(UserError):
            comp.sudo(self.finance).approve()

    def test_a_given_user_approves_a_tier(self):
        tier = self.env["crm.service.compensation.tier"].create({
            "policy_id": self.policy_free.id, "min_amount": 100.0,
            "user_id": self.agent2.id})
        comp = self.compensation(self.agent, compensation_type="free_service")
        comp.sudo(self.agent).action_submit()
        self.assertEqual(comp.approval_ids.user_id, self.agent2)
        with self.assertRaises(UserError):
            comp.sudo(self.manager).approve()
        comp.sudo(self.agent2).approve()
        self.assertEqual(comp.state, "done", "a free service is done once approved")
        self.assertIn("Free service granted",
                      self.complaint.message_ids[0].body)
        with self.assertRaises(ValidationError):
            tier.write({"group_id": self.env.ref("base.group_user").id})

    # -- amounts and the policy maximum ----------------------------------------

    def test_over_the_maximum_is_refused_and_nothing_written(self):
        Compensation = self.env["crm.service.compensation"]
        Invoice = self.env["account.invoice"]
        counts = (Compensation.search_count([]), Invoice.search_count([]))
        with self.assertRaises(ValidationError) as caught:
            self.compensation(self.manager, amount=10000.01)
        self.assertIn("10,000.00", caught.exception.name)
        with self.assertRaises(ValidationError):
            self.compensation(self.agent, quantity=101)
        with self.assertRaises(ValidationError):
            self.compensation(self.manager, amount=-5.0)
        self.assertEqual((Compensation.search_count([]), Invoice.search_count([])),
                         counts)
        comp = self.compensation(self.manager, amount=400.0)
        with self.assertRaises(ValidationError):
            comp.sudo(self.manager).write({"amount": 20000.0})
        with self.assertRaises(ValidationError):
            comp.sudo(self.agent).write({"quantity": 200})
        self.assertEqual((comp.amount, comp.quantity), (400.0, 1.0))
        # switching to coupons: the amount follows the coupon policy's standard,
        # and its maximum (300) holds
        comp.sudo(self.manager).write({"compensation_type": "coupon"})
        self.assertEqual((comp.policy_id, comp.amount), (self.policy_coupon, 50.0))
        with self.assertRaises(ValidationError):
            comp.sudo(self.manager).write({"amount": 350.0})
        self.assertEqual(comp.amount, 50.0)

    def test_agents_propose_units_managers_set_amounts(self):
        comp = self.compensation(self.agent, compensation_type="refund")
        self.assertEqual(comp.amount, 0.0, "no standard amount for refunds")
        with self.assertRaises(UserError):
            comp.sudo(self.agent).action_submit()
        self.assertEqual(comp.state, "draft")
        comp.sudo(self.manager).write({"amount": 250.0})
        comp.sudo(self.agent).write({"quantity": 2})
        self.assertEqual(comp.amount, 250.0, "no standard amount to follow")
        comp.sudo(self.agent).write({"compensation_type": "credit_note"})
        self.assertEqual((comp.policy_id, comp.amount), (self.policy_credit, 200.0))
        comp.sudo(self.agent).action_submit()
        with self.assertRaises(UserError):
            comp.sudo(self.manager).write({"reason": "Changed afterwards"})
        with self.assertRaises(UserError):
            comp.sudo(self.manager).write({"state": "done"})

    def test_only_complaints_with_a_level_are_compensated(self):
        fault = self.ticket(name="Not a complaint")
        with self.assertRaises(ValidationError):
            self.compensation(ticket_id=fault.id)
        with self.assertRaises(ValidationError):
            fault.complaint_level_id = self.level
        bare = self.ticket(name="No level yet", ticket_type="complaint")
        with self.assertRaises(ValidationError):
            self.compensation(ticket_id=bare.id)
        other = self.env["crm.service.complaint.level"].create({"name": "Test Minor"})
        bare.complaint_level_id = other
        with self.assertRaises(ValidationError) as caught:
            self.compensation(ticket_id=bare.id)
        self.assertIn("Test Minor", caught.exception.name)

    def test_refund_credits_the_ticket_invoice(self):
        income = self.env["account.account"].search([
            ("user_type_id", "=", self.env.ref("account.data_account_type_revenue").id),
            ("company_id", "=", self.env.user.company_id.id)], limit=1)
        invoice = self.env["account.invoice"].create({
            "partner_id": self.customer.id, "type": "out_invoice",
            "invoice_line_ids": [(0, 0, {
                "name": "Boiler", "product_id": self.boiler.id, "quantity": 1.0,
                "price_unit": 2000.0, "account_id": income.id})]})
        invoice.action_invoice_open()
        self.complaint.invoice_id = invoice
        comp = self.compensation(self.manager, compensation_type="refund",
                                 amount=250.0)
        comp.sudo(self.agent).action_submit()
        credit = comp.invoice_id
        self.assertEqual(credit.refund_invoice_id, invoice)
        self.assertEqual((credit.type, credit.state, credit.amount_total),
                         ("out_refund", "draft", 250.0))
        self.assertEqual(credit.journal_id, invoice.journal_id)
        self.assertEqual(credit.invoice_line_ids.product_id,
                         self.compensation_product)
        self.assertIn(comp.name, credit.origin)

    # -- coupons -------------------------------------------------------------

    def approved_coupon(self, quantity=2):
        comp = self.compensation(self.agent, compensation_type="coupon",
                                 quantity=quantity)
        comp.sudo(self.agent).action_submit()
        return comp, comp.coupon_id

    def quotation(self, partner=None, user=None):
        return self.env["sale.order"].sudo(user or self.rep).create({
            "partner_id": (partner or self.customer).id,
            "order_line": [(0, 0, {"product_id": self.boiler.id,
                                   "product_uom_qty": 1.0, "price_unit": 1000.0,
                                   "tax_id": [(6, 0, [])]})]})

    def test_coupon_applies_once_to_the_customers_quotation(self):
        comp, coupon = self.approved_coupon()
        self.assertEqual(comp.state, "approved")
        self.assertEqual((coupon.state, coupon.partner_id, coupon.amount),
                         ("valid", self.customer, 100.0))
        today = fields.Date.from_string(fields.Date.context_today(coupon))
        self.assertEqual(coupon.expiry_date,
                         fields.Date.to_string(today + timedelta(days=30)))
        order = self.quotation()
        order.apply_coupon(" %s " % coupon.code.lower())
        line = order.order_line.filtered("crm_coupon_id")
        self.assertEqual((line.product_id, line.price_unit),
                         (self.compensation_product, -100.0))
        self.assertEqual(order.amount_total, 900.0)
        self.assertEqual((coupon.state, coupon.sale_order_id), ("used", order))
        self.assertEqual(comp.state, "done")
        with self.assertRaises(UserError) as caught:
            self.quotation().apply_coupon(coupon.code)
        self.assertIn("already used", caught.exception.name)
        # a copy of the quotation does not copy the reduction
        self.assertFalse(order.sudo(self.rep).copy().order_line.filtered(
            lambda line: line.product_id == self.compensation_product))
        # removing the line gives the coupon back
        line.sudo(self.rep).unlink()
        self.assertEqual((coupon.state, comp.state), ("valid", "approved"))

    def test_coupon_refusals(self):
        _comp, coupon = self.approved_coupon()
        other = self.env["res.partner"].create(
            {"name": "Other Customer", "user_id": self.rep.id})
        with self.assertRaises(UserError) as caught:
            self.quotation(partner=other).apply_coupon(coupon.code)
        self.assertIn("another customer", caught.exception.name)
        with self.assertRaises(UserError) as caught:
            self.quotation().apply_coupon("NOPE-0000")
        self.assertIn("No coupon has the code NOPE-0000", caught.exception.name)
        order = self.quotation()
        self.env["sale.order"].browse(order.id).write({"state": "sale"})
        with self.assertRaises(UserError):
            order.apply_coupon(coupon.code)
        yesterday = fields.Date.from_string(
            fields.Date.context_today(coupon)) - timedelta(days=1)
        coupon.expiry_date = fields.Date.to_string(yesterday)
        with self.assertRaises(UserError) as caught:
            self.quotation().apply_coupon(coupon.code)
        self.assertIn("expired", caught.exception.name)
        self.assertEqual(coupon.state, "valid")
        self.env["crm.service.coupon"]._cron_expire()
        self.assertEqual(coupon.state, "expired")

    def test_cancelled_order_gives_the_coupon_back(self):
        comp, coupon = self.approved_coupon()
        order = self.quotation()
        order.apply_coupon(coupon.code)
        order.action_cancel()
        self.assertFalse(order.order_line.filtered("crm_coupon_id"))
        self.assertEqual((coupon.state, comp.state), ("valid", "approved"))

    # -- report ----------------------------------------------------------------

    def test_cost_report_sums_by_product_root_cause_and_level(self):
        causes = self.env["crm.dictionary.item"].search(
            [("dictionary_code", "=", "service_root_cause")], limit=2)
        self.complaint.root_cause_id = causes[0]
        second = self.ticket(name="Pump leaks", ticket_type="complaint",
                             complaint_level_id=self.level.id,
                             product_id=self.pump.id, root_cause_id=causes[1].id)
        for ticket, quantity in ((self.complaint, 3), (self.complaint, 2),
                                 (second, 4)):
            self.compensation(ticket_id=ticket.id, quantity=quantity).action_submit()
        self.compensation(quantity=9)  # a draft costs nothing
        refused = self.compensation(quantity=7)
        refused.action_submit()
        refused.sudo(self.manager).refuse("No")
        Report = self.env["crm.service.compensation.report"].sudo(self.analyst)
        domain = [("ticket_id", "in", (self.complaint | second).ids)]
        by_product = {row["product_id"][0]: (row["amount"], row["nbr"])
                      for row in Report.read_group(
                          domain, ["product_id", "amount", "nbr"], ["product_id"])}
        self.assertEqual(by_product, {self.boiler.id: (500.0, 2),
                                      self.pump.id: (400.0, 1)})
        by_cause = {row["root_cause_id"][0]: row["amount"]
                    for row in Report.read_group(
                        domain, ["root_cause_id", "amount"], ["root_cause_id"])}
        self.assertEqual(by_cause, {causes[0].id: 500.0, causes[1].id: 400.0})
        by_level = Report.read_group(
            domain, ["level_id", "team_id", "amount"], ["level_id", "team_id"],
            lazy=False)
        self.assertEqual([(row["level_id"][0], row["team_id"][0], row["amount"])
                          for row in by_level],
                         [(self.level.id, self.team.id, 900.0)])
        month = Report.read_group(domain, ["date", "amount"], ["date:month"])
        self.assertEqual([row["amount"] for row in month], [900.0])

    # -- security --------------------------------------------------------------

    def test_agents_see_their_teams_compensations_without_amounts(self):
        comp = self.compensation(self.agent, quantity=3)
        Compensation = self.env["crm.service.compensation"]
        self.assertEqual(Compensation.sudo(self.agent2).search(
            [("id", "=", comp.id)]), comp)
        self.assertFalse(Compensation.sudo(self.outsider).search(
            [("id", "=", comp.id)]))
        with self.assertRaises(AccessError):
            comp.sudo(self.outsider).read(["reason"])
        with self.assertRaises(AccessError):
            self.compensation(self.outsider)  # a ticket they cannot see
        self.assertEqual(comp.sudo(self.agent).read(["quantity"])[0]["quantity"], 3)
        with self.assertRaises(AccessError):
            comp.sudo(self.agent).read(["amount"])
        with self.assertRaises(AccessError):
            comp.sudo(self.agent).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            self.compensation(self.agent, amount=1.0)
        self.assertNotIn("amount", Compensation.sudo(self.agent).fields_get())
        with self.assertRaises(AccessError):
            self.complaint.sudo(self.agent).read(["compensation_amount"])
        with self.assertRaises(AccessError):
            comp.sudo(self.agent).unlink()

    def test_managers_and_finance_see_amounts(self):
        comp = self.compensation(self.agent, quantity=3)
        comp.sudo(self.agent).action_submit()
        self.assertEqual(comp.sudo(self.manager).read(["amount"])[0]["amount"], 300.0)
        self.assertEqual(
            self.complaint.sudo(self.manager).compensation_amount, 300.0)
        self.assertEqual(comp.sudo(self.billing).read(["amount"])[0]["amount"], 300.0)
        self.assertEqual(comp.invoice_id.sudo(self.billing).crm_compensation_id, comp)
        with self.assertRaises(AccessError):
            comp.sudo(self.billing).write({"reason": "Finance edits"})
        with self.assertRaises(AccessError):
            self.compensation(self.billing)
        with self.assertRaises(AccessError):
            comp.sudo(self.billing).action_submit()

    def test_salespeople_see_no_compensation_but_their_customers_coupons(self):
        comp, coupon = self.approved_coupon()
        with self.assertRaises(AccessError):
            comp.sudo(self.rep).read(["reason"])
        self.assertEqual(coupon.sudo(self.rep).amount, 100.0)
        other_rep = self.new_user("cmp_rep2", ["sales_team.group_sale_salesman"])
        with self.assertRaises(AccessError):
            coupon.sudo(other_rep).read(["code"])
        with self.assertRaises(AccessError):
            coupon.sudo(self.rep).write({"state": "used"})
        with self.assertRaises(AccessError):
            self.env["crm.service.compensation.report"].sudo(self.rep).read_group(
                [], ["amount"], [])
        with self.assertRaises(AccessError):
            self.env["crm.service.compensation.report"].sudo(self.agent).read_group(
                [], ["amount"], [])
