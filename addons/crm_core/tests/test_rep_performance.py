"""Rep Performance (四种怠工): one row per salesperson and month whose numbers equal
the sums of the records behind them, months in the salesperson's time zone, margin
from the products' cost and the order lines in the product's unit, and the record
rules as ordinary users.

Fixtures, rep1 (Asia/Shanghai, team A), May 2030 (times in UTC):
  follow-ups   05-10 03:00, 05-11 03:00, 05-12 03:00 and 04-30 17:00 (05-01 01:00
               in Shanghai) -> 4 in May, none in April
  meetings     05-12 02:00, all-day 05-20, an archived one -> 2
  opportunities converted 05-03 (2), a lead (not), won 05-20 for 8000, a lost
               one (not won) -> created 4 (the won and lost ones too), won 1
  quotations   sent 05-06 (1), a draft (not)
  orders       confirmed 05-15: 10 lathes x 100 (cost 60) -> 1000, margin 400;
               confirmed 05-16: 5 services x 50 (cost 20) + 1 dozen lathes x 1200
               (cost 12 x 60) -> 1450, margin 630; total 2450, margin 1030, 515 per
               order
  invoices     05-18: 3000 (1500 paid), credit note 05-25: -500, a draft (not)
               -> invoiced 2500, paid 1500
rep3 (team B): one follow-up in May.
"""
from odoo.exceptions import AccessError

from .sales_fixtures import SalesCase

MAY = "2030-05-01"


class TestRepPerformance(SalesCase):

    @classmethod
    def setUpClass(cls):
        super(TestRepPerformance, cls).setUpClass()
        cls.rep1.partner_id.tz = "Asia/Shanghai"
        channel = cls.env.ref("crm_core.dictionary_followup_channel_visit")
        Followup = cls.env["crm.followup"]
        for user, date in ((cls.rep1, "2030-05-10 03:00:00"),
                           (cls.rep1, "2030-05-11 03:00:00"),
                           (cls.rep1, "2030-05-12 03:00:00"),
                           (cls.rep1, "2030-04-30 17:00:00"),
                           (cls.rep3, "2030-05-12 03:00:00")):
            Followup.create({"partner_id": cls.customer.id, "user_id": user.id,
                             "channel_id": channel.id, "summary": "Visit",
                             "date": date})

        Event = cls.env["calendar.event"].with_context(no_mail_to_attendees=True)
        Event.create({"name": "Review", "user_id": cls.rep1.id,
                      "start": "2030-05-12 02:00:00", "stop": "2030-05-12 03:00:00"})
        Event.create({"name": "Fair", "user_id": cls.rep1.id, "allday": True,
                      "start": "2030-05-20 00:00:00", "stop": "2030-05-20 23:59:59"})
        Event.create({"name": "Cancelled", "user_id": cls.rep1.id, "active": False,
                      "start": "2030-05-13 02:00:00", "stop": "2030-05-13 03:00:00"})

        converted = "2030-05-03 04:00:00"
        cls.opportunity(cls.rep1, cls.team_a, 1000.0, 20.0, "2030-06-30",
                        date_conversion=converted)
        cls.opportunity(cls.rep1, cls.team_a, 2000.0, 20.0, "2030-06-30",
                        date_conversion=converted)
        cls.opportunity(cls.rep1, cls.team_a, 500.0, 20.0, "2030-06-30", type="lead",
                        date_conversion=converted)
        cls.opportunity(cls.rep1, cls.team_a, 8000.0, 100.0, "2030-05-20",
                        stage_id=cls.stage_won.id, date_conversion=converted,
                        date_closed="2030-05-20 04:00:00")
        lost = cls.opportunity(cls.rep1, cls.team_a, 4000.0, 40.0, "2030-05-15",
                               date_conversion=converted)
        lost.action_set_lost()

        cls.order(cls.rep1, "2030-05-06 03:00:00", [(cls.service, 1, 10.0)],
                  state="sent")
        cls.order(cls.rep1, "2030-05-06 03:00:00", [(cls.service, 1, 10.0)])
        cls.order(cls.rep1, "2030-05-14 03:00:00", [(cls.lathe, 10, 100.0)],
                  confirmed="2030-05-15 04:00:00")
        dozen = cls.env.ref("product.product_uom_dozen")
        cls.order(cls.rep1, "2030-05-14 03:00:00",
                  [(cls.service, 5, 50.0), (cls.lathe, 1, 1200.0, dozen)],
                  confirmed="2030-05-16 04:00:00")

        invoice = cls.invoice(cls.rep1, cls.team_a, "2030-05-18",
                              [(cls.service, 1, 3000.0, False)])
        cls.pay(invoice, 1500.0)
        cls.invoice(cls.rep1, cls.team_a, "2030-05-25",
                    [(cls.service, 1, 500.0, False)], kind="out_refund")
        cls.invoice(cls.rep1, cls.team_a, "2030-05-26",
                    [(cls.service, 1, 700.0, False)], post=False)

    @classmethod
    def order(cls, user, date, lines, state=None, confirmed=None):
        order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id, "user_id": user.id,
            "team_id": user.sale_team_id.id, "date_order": date,
            "order_line": [(0, 0, {
                "product_id": line[0].id, "product_uom_qty": line[1],
                "price_unit": line[2], "tax_id": [(6, 0, [])],
                "product_uom": (line[3] if len(line) > 3 else line[0].uom_id).id,
            }) for line in lines],
        })
        if state:
            order.state = state
        if confirmed:
            order.action_confirm()
            order.confirmation_date = confirmed
        return order

    def rows(self, user=None, domain=()):
        Report = self.env["crm.rep.performance.report"]
        if user:
            Report = Report.sudo(user)
        return Report.search([("user_id", "in", (self.rep1 | self.rep3).ids)]
                             + list(domain))

    def test_a_month_row_equals_the_records(self):
        row = self.rows(domain=[("user_id", "=", self.rep1.id), ("date", "=", MAY)])
        self.assertEqual(len(row), 1)
        self.assertEqual(
            {name: row[name] for name in (
                "followup_count", "meeting_count", "opportunity_count", "won_count",
                "won_amount", "quotation_count", "order_count", "order_amount",
                "margin_amount", "margin_per_order", "invoiced_amount",
                "paid_amount")},
            {"followup_count": 4, "meeting_count": 2, "opportunity_count": 4,
             "won_count": 1, "won_amount": 8000.0, "quotation_count": 1,
             "order_count": 2, "order_amount": 2450.0, "margin_amount": 1030.0,
             "margin_per_order": 515.0, "invoiced_amount": 2500.0,
             "paid_amount": 1500.0})
        self.assertEqual((row.team_id, row.company_id), (self.team_a, self.company))

    def test_months_are_the_salespersons_own(self):
        """A follow-up at 17:00 UTC on 30 April is on 1 May in Shanghai."""
        months = self.rows(domain=[("user_id", "=", self.rep1.id)]).mapped("date")
        self.assertEqual(months, [MAY])
        self.rep1.partner_id.tz = False
        months = self.rows(domain=[("user_id", "=", self.rep1.id)]).mapped("date")
        self.assertEqual(sorted(months), ["2030-04-01", MAY], "in UTC without one")

    def test_the_margin_follows_the_current_cost(self):
        self.lathe.standard_price = 70.0
        row = self.rows(domain=[("user_id", "=", self.rep1.id), ("date", "=", MAY)])
        # lathes: 10 + 12 at 70 instead of 60
        self.assertEqual(row.margin_amount, 1030.0 - 22 * 10.0)

    def test_a_group_profit_per_deal_is_margin_over_orders(self):
        self.order(self.rep3, "2030-05-14 03:00:00", [(self.service, 1, 100.0)],
                   confirmed="2030-05-15 04:00:00")
        groups = self.env["crm.rep.performance.report"].read_group(
            [("user_id", "in", (self.rep1 | self.rep3).ids), ("date", "=", MAY)],
            ["date", "order_count", "margin_amount", "margin_per_order"],
            ["date:month"])
        self.assertEqual(len(groups), 1)
        # (1030 + 80) / 3, not the average of 515 and 80
        self.assertEqual((groups[0]["order_count"], groups[0]["margin_amount"]),
                         (3, 1110.0))
        self.assertAlmostEqual(groups[0]["margin_per_order"], 370.0)

    # --- access rules -------------------------------------------------------------

    def test_a_rep_sees_own_rows_only(self):
        self.assertEqual(self.rows(self.rep1).mapped("user_id"), self.rep1)
        self.assertEqual(self.rows(self.rep3).mapped("user_id"), self.rep3)
        other = self.rows(domain=[("user_id", "=", self.rep3.id)])
        with self.assertRaises(AccessError):
            other.sudo(self.rep1).read(["followup_count"])

    def test_a_team_leader_sees_the_team(self):
        self.assertEqual(self.rows(self.leader).mapped("user_id"), self.rep1)
        other = self.rows(domain=[("user_id", "=", self.rep3.id)])
        with self.assertRaises(AccessError):
            other.sudo(self.leader).read(["followup_count"])

    def test_managers_and_analysts_see_everyone_and_change_nothing(self):
        for user in (self.manager, self.all_docs, self.analyst):
            self.assertEqual(self.rows(user).mapped("user_id"),
                             self.rep1 | self.rep3)
            with self.assertRaises(AccessError):
                self.rows(user).write({"followup_count": 0})

    def test_moves_to_a_later_stage_count_as_advanced(self):
        stages = self.env["crm.stage"].search([("team_id", "=", False)],
                                              order="sequence, id")[:3]
        lead = self.env["crm.lead"].create({
            "name": "Advancing", "type": "opportunity", "user_id": self.rep1.id,
            "team_id": self.team_a.id, "stage_id": stages[0].id})
        history = self.env["crm.lead.stage.history"].search(
            [("lead_id", "=", lead.id)])
        history.write({"date": "2030-05-20 03:00:00"})
        before = self.rows(domain=[("user_id", "=", self.rep1.id),
                                   ("date", "=", MAY)]).advanced_count
        for stage in (stages[1], stages[2], stages[1]):  # two forward, one back
            lead.stage_id = stage
        self.env["crm.lead.stage.history"].search(
            [("lead_id", "=", lead.id), ("id", "not in", history.ids)]).write(
                {"date": "2030-05-21 03:00:00"})
        self.env["crm.rep.performance.report"].invalidate_cache()
        after = self.rows(domain=[("user_id", "=", self.rep1.id),
                                  ("date", "=", MAY)]).advanced_count
        self.assertEqual(after - before, 2)
