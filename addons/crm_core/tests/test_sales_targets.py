"""Sales targets (合理分配指标) and the forecast against them: periods and overlaps,
attainment from posted invoices minus credit notes, the product-category filter,
team targets as the sum of members' or explicit, the paid share, the weighted
pipeline and the gap, the ranking, the monthly forecast report, one query for any
number of targets, and the record rules as ordinary users.

Fixtures (March 2030; no tax unless said):
  rep1 / team A  invoice 03-05: 2 lathes x 1000 (+10 % tax) + 1 service x 500
                 -> 2500 untaxed, 2700 total, 1350 paid -> half paid
                 credit note 03-20: 1 lathe x 300 (+10 % tax) -> -300
                 invoice 04-01: service 700 (next month), draft 03-10: service 900
                 opportunities: 10000 x 30 % closing 03-25 -> 3000 (counted);
                 5000 x 50 % closing 04-02, a won one, a lost one, a lead (not)
  rep2 / team A  invoice 03-15: service 1000; opportunity 6000 x 50 % 03-31 -> 3000
  team A         invoice without salesperson 03-12: service 400
  rep3 / team B  invoice 03-08: service 600
"""
from odoo.exceptions import AccessError, ValidationError

from .sales_fixtures import SalesCase

MEASURES = ["target_amount", "attained_amount", "paid_amount", "pipeline_amount",
            "gap_amount", "attainment_pct"]


class TestSalesTargets(SalesCase):

    @classmethod
    def setUpClass(cls):
        super(TestSalesTargets, cls).setUpClass()
        lathe, service = cls.lathe, cls.service
        cls.inv1 = cls.invoice(cls.rep1, cls.team_a, "2030-03-05",
                               [(lathe, 2, 1000.0, True), (service, 1, 500.0, False)])
        cls.pay(cls.inv1, 1350.0)
        cls.refund = cls.invoice(cls.rep1, cls.team_a, "2030-03-20",
                                 [(lathe, 1, 300.0, True)], kind="out_refund")
        cls.invoice(cls.rep1, cls.team_a, "2030-04-01", [(service, 1, 700.0, False)])
        cls.invoice(cls.rep1, cls.team_a, "2030-03-10", [(service, 1, 900.0, False)],
                    post=False)
        cls.invoice(cls.rep2, cls.team_a, "2030-03-15", [(service, 1, 1000.0, False)])
        cls.invoice(None, cls.team_a, "2030-03-12", [(service, 1, 400.0, False)])
        cls.invoice(cls.rep3, cls.team_b, "2030-03-08", [(service, 1, 600.0, False)])

        cls.opportunity(cls.rep1, cls.team_a, 10000.0, 30.0, "2030-03-25")
        cls.opportunity(cls.rep1, cls.team_a, 5000.0, 50.0, "2030-04-02")
        cls.opportunity(cls.rep1, cls.team_a, 8000.0, 100.0, "2030-03-10",
                        stage_id=cls.stage_won.id)
        lost = cls.opportunity(cls.rep1, cls.team_a, 4000.0, 40.0, "2030-03-15")
        lost.action_set_lost()
        cls.opportunity(cls.rep1, cls.team_a, 2000.0, 50.0, "2030-03-15", type="lead")
        cls.opportunity(cls.rep2, cls.team_a, 6000.0, 50.0, "2030-03-31")

        Target = cls.env["crm.sales.target"]
        cls.Target = Target
        cls.t_rep1 = Target.create({"user_id": cls.rep1.id, "period_type": "month",
                                    "date_start": "2030-03-01", "amount": 10000.0})
        cls.t_rep2 = Target.create({"user_id": cls.rep2.id, "period_type": "month",
                                    "date_start": "2030-03-01", "amount": 4000.0})
        cls.t_team_a = Target.create({
            "target_type": "team", "team_id": cls.team_a.id, "period_type": "month",
            "date_start": "2030-03-01", "amount_source": "members"})
        cls.t_rep3 = Target.create({"user_id": cls.rep3.id, "period_type": "month",
                                    "date_start": "2030-03-01", "amount": 1000.0})
        cls.t_team_b = Target.create({
            "target_type": "team", "team_id": cls.team_b.id, "period_type": "month",
            "date_start": "2030-03-01", "amount_source": "explicit",
            "amount": 3000.0})

    def measures(self, target):
        target.invalidate_cache()
        return {name: round(target[name], 2) for name in MEASURES}

    # --- periods and overlaps ---------------------------------------------------

    def test_the_end_of_the_period_follows_from_its_start(self):
        self.assertEqual(self.t_rep1.date_end, "2030-03-31")
        self.assertEqual(self.t_rep1.team_id, self.team_a, "the rep's team")
        self.assertEqual(self.t_rep1.period, "2030-03")
        quarter = self.Target.create({"user_id": self.rep1.id, "period_type": "quarter",
                                      "date_start": "2030-01-01", "amount": 1.0})
        self.assertEqual((quarter.date_end, quarter.period), ("2030-03-31", "2030-Q1"))

    def refused(self, message, vals):
        """Creating ``vals`` fails with ``message`` (and, as in a request, the
        transaction part is rolled back)."""
        with self.assertRaisesRegex(ValidationError, message), \
                self.env.cr.savepoint():
            self.Target.create(vals)

    def test_a_period_must_be_whole(self):
        self.refused("starts on the 1st of a month", {
            "user_id": self.rep3.id, "period_type": "month",
            "date_start": "2030-05-02", "amount": 1.0})
        self.refused("January, April, July or October", {
            "user_id": self.rep3.id, "period_type": "quarter",
            "date_start": "2030-02-01", "amount": 1.0})
        self.refused("ends on 2030-05-31, the last day of its period, not on "
                     "2030-06-30", {
                         "user_id": self.rep3.id, "period_type": "month",
                         "date_start": "2030-05-01", "date_end": "2030-06-30",
                         "amount": 1.0})
        self.assertFalse(self.Target.search([("user_id", "=", self.rep3.id),
                                             ("date_start", ">=", "2030-04-01")]))

    def test_overlapping_targets_are_refused(self):
        self.refused("Tgt Rep1 already has a target .* overlapping 2030-03-01 - "
                     "2030-03-31: Tgt Rep1 2030-03", {
                         "user_id": self.rep1.id, "period_type": "month",
                         "date_start": "2030-03-01", "amount": 5.0})
        self.refused("Target Team A already has a target", {
            "target_type": "team", "team_id": self.team_a.id,
            "period_type": "month", "date_start": "2030-03-01", "amount": 5.0})
        # another category, another period type, another rep: allowed
        self.Target.create({"user_id": self.rep1.id, "period_type": "month",
                            "date_start": "2030-03-01", "amount": 5.0,
                            "categ_id": self.services.id})
        self.Target.create({"user_id": self.rep1.id, "period_type": "quarter",
                            "date_start": "2030-01-01", "amount": 5.0})

    def test_a_target_needs_its_subject_and_a_positive_amount(self):
        self.refused("needs a salesperson", {
            "period_type": "month", "date_start": "2030-06-01", "amount": 1.0})
        self.refused("needs a sales team", {
            "target_type": "team", "period_type": "month",
            "date_start": "2030-06-01", "amount": 1.0})
        self.refused("cannot be negative", {
            "user_id": self.rep3.id, "period_type": "month",
            "date_start": "2030-06-01", "amount": -1.0})

    # --- measures -----------------------------------------------------------------

    def test_attainment_is_posted_invoices_minus_credit_notes_in_the_period(self):
        """2500 - 300: the April invoice and the draft do not count."""
        measures = self.measures(self.t_rep1)
        self.assertEqual(measures["attained_amount"], 2200.0)
        self.assertEqual(measures["attainment_pct"], 22.0)
        quarter = self.Target.create({"user_id": self.rep1.id, "period_type": "quarter",
                                      "date_start": "2030-01-01", "amount": 30000.0})
        self.assertEqual(self.measures(quarter)["attained_amount"], 2200.0)
        year = self.Target.create({"user_id": self.rep1.id, "period_type": "year",
                                   "date_start": "2030-01-01", "amount": 30000.0})
        self.assertEqual(self.measures(year)["attained_amount"], 2900.0,
                         "April counts in the year")

    def test_a_category_counts_its_subcategories_only(self):
        machines = self.Target.create({
            "user_id": self.rep1.id, "period_type": "month",
            "date_start": "2030-03-01", "amount": 5000.0,
            "categ_id": self.machines.id})
        services = self.Target.create({
            "user_id": self.rep1.id, "period_type": "month",
            "date_start": "2030-03-01", "amount": 1000.0,
            "categ_id": self.services.id})
        # lathes are below machines: 2000 - 300; no pipeline for a category
        self.assertEqual(self.measures(machines), {
            "target_amount": 5000.0, "attained_amount": 1700.0, "paid_amount": 1000.0,
            "pipeline_amount": 0.0, "gap_amount": 3300.0, "attainment_pct": 34.0})
        self.assertEqual(self.measures(services)["attained_amount"], 500.0)

    def test_the_paid_measure_is_the_paid_share_of_each_invoice(self):
        """1350 of 2700 paid: half of 2500; the credit note is not reconciled."""
        self.assertEqual(self.inv1.state, "open")
        self.assertEqual(self.inv1.residual, 1350.0)
        self.assertEqual(self.measures(self.t_rep1)["paid_amount"], 1250.0)
        self.pay(self.inv1, 1350.0)
        self.assertEqual(self.inv1.state, "paid")
        self.assertEqual(self.measures(self.t_rep1)["paid_amount"], 2500.0)

    def test_weighted_pipeline_and_gap(self):
        """10000 x 30 %; 10000 - 2200 - 3000."""
        measures = self.measures(self.t_rep1)
        self.assertEqual(measures["pipeline_amount"], 3000.0)
        self.assertEqual(measures["gap_amount"], 4800.0)

    def test_team_target_is_the_sum_of_its_members_unless_explicit(self):
        self.assertEqual(self.measures(self.t_team_a), {
            "target_amount": 14000.0,
            "attained_amount": 3600.0,  # 2200 + 1000 + 400 without salesperson
            "paid_amount": 1250.0,      # only rep1's invoice is (half) paid
            "pipeline_amount": 6000.0,  # 3000 + 3000
            "gap_amount": 4400.0,
            "attainment_pct": round(3600.0 / 140.0, 2)})
        self.t_team_a.write({"amount_source": "explicit", "amount": 9000.0})
        self.assertEqual(self.measures(self.t_team_a)["target_amount"], 9000.0)
        self.assertEqual(self.measures(self.t_team_b)["target_amount"], 3000.0,
                         "explicit, not rep3's 1000")
        self.assertEqual(self.measures(self.t_team_b)["attained_amount"], 600.0)

    def test_the_report_ranks_by_attainment(self):
        # rep1 22 %, rep2 25 %, team A 25.71 %, rep3 60 %, team B 20 %
        rows = self.env["crm.sales.target.report"].search(
            [("id", "in", (self.t_rep1 | self.t_rep2 | self.t_team_a
                           | self.t_rep3 | self.t_team_b).ids)])
        self.assertEqual(rows.mapped("target_id").ids,
                         [self.t_rep3.id, self.t_team_a.id, self.t_rep2.id,
                          self.t_rep1.id, self.t_team_b.id])
        self.assertEqual(rows[0].attainment_pct, 60.0)

    def test_a_group_attainment_is_its_sums_ratio(self):
        groups = self.env["crm.sales.target.report"].read_group(
            [("id", "in", (self.t_rep1 | self.t_rep2).ids)],
            ["team_id", "target_amount", "attained_amount", "attainment_pct"],
            ["team_id"])
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["target_amount"], 14000.0)
        self.assertAlmostEqual(groups[0]["attainment_pct"], 3200.0 / 140.0)

    def test_one_query_for_any_number_of_targets(self):
        targets = self.Target.browse([self.Target.create({
            "user_id": self.rep3.id, "period_type": "month",
            "date_start": "%d-%02d-01" % (2031 + month // 12, month % 12 + 1),
            "amount": 100.0}).id for month in range(20)])
        Report = self.env["crm.sales.target.report"]

        def cost(records):
            records.invalidate_cache()
            with self.count_queries() as counter:
                records.read(MEASURES + ["user_id", "period"])
                Report.search_read([("id", "in", records.ids)], MEASURES)
            return counter.count

        two = cost(targets[:2])
        with self.assertMaxQueries(two):
            cost(targets)
        self.assertEqual(sum(targets.mapped("attained_amount")), 0.0)
        self.assertEqual(sum(targets.mapped("target_amount")), 2000.0)

    # --- the forecast by month ------------------------------------------------------

    def forecast(self, month, domain=()):
        Forecast = self.env["crm.sales.forecast.report"]
        users = (self.rep1 | self.rep2 | self.rep3).ids
        teams = (self.team_a | self.team_b).ids
        return Forecast.search([("date", "=", month), "|", ("user_id", "in", users),
                                ("team_id", "in", teams)] + list(domain))

    def test_the_forecast_rows_equal_the_records(self):
        rows = self.forecast("2030-03-01")
        by_key = {(row.user_id, row.team_id): row for row in rows}
        rep1 = by_key[(self.rep1, self.team_a)]
        self.assertEqual((rep1.target_amount, rep1.attained_amount, rep1.paid_amount,
                          rep1.pipeline_amount, rep1.gap_amount),
                         (10000.0, 2200.0, 1250.0, 3000.0, 4800.0))
        rep2 = by_key[(self.rep2, self.team_a)]
        self.assertEqual((rep2.target_amount, rep2.attained_amount,
                          rep2.pipeline_amount), (4000.0, 1000.0, 3000.0))
        unassigned = by_key[(self.env["res.users"], self.team_a)]
        self.assertEqual((unassigned.target_amount, unassigned.attained_amount),
                         (0.0, 400.0), "team A's target is its members' sum")
        # team B: 3000 explicit, rep3 holds 1000 of it, 2000 not allocated
        self.assertEqual(by_key[(self.rep3, self.team_b)].target_amount, 1000.0)
        self.assertEqual(by_key[(self.env["res.users"], self.team_b)].target_amount,
                         2000.0)
        groups = self.env["crm.sales.forecast.report"].read_group(
            [("id", "in", rows.ids)],
            ["team_id", "target_amount", "attained_amount", "pipeline_amount",
             "attainment_pct"], ["team_id"])
        totals = {group["team_id"][0]: group for group in groups}
        self.assertEqual((totals[self.team_a.id]["target_amount"],
                          totals[self.team_a.id]["attained_amount"],
                          totals[self.team_a.id]["pipeline_amount"]),
                         (14000.0, 3600.0, 6000.0))
        self.assertEqual((totals[self.team_b.id]["target_amount"],
                          totals[self.team_b.id]["attained_amount"]), (3000.0, 600.0))
        self.assertAlmostEqual(totals[self.team_b.id]["attainment_pct"], 20.0)

    def test_a_month_without_a_monthly_target_takes_a_share_of_the_quarter(self):
        self.Target.create({"user_id": self.rep1.id, "period_type": "quarter",
                            "date_start": "2030-01-01", "amount": 30000.0})
        self.Target.create({"target_type": "team", "team_id": self.team_a.id,
                            "period_type": "quarter", "date_start": "2030-01-01",
                            "amount_source": "explicit", "amount": 36000.0})
        february = {(row.user_id, row.team_id): row.target_amount
                    for row in self.forecast("2030-02-01")}
        self.assertAlmostEqual(february[(self.rep1, self.team_a)], 10000.0)
        self.assertAlmostEqual(february[(self.env["res.users"], self.team_a)], 2000.0)
        march = {(row.user_id, row.team_id): row.target_amount
                 for row in self.forecast("2030-03-01")}
        self.assertEqual(march[(self.rep1, self.team_a)], 10000.0,
                         "the monthly target wins over the quarter's share")

    # --- access rules -------------------------------------------------------------

    def seen(self, user, model="crm.sales.target"):
        return self.env[model].sudo(user).search([("date_start", "=", "2030-03-01")])

    def test_a_rep_reads_own_targets_only(self):
        self.assertEqual(self.seen(self.rep1), self.t_rep1)
        self.assertEqual(self.seen(self.rep1).attained_amount, 2200.0)
        with self.assertRaises(AccessError):
            self.t_rep2.sudo(self.rep1).read(["amount"])
        with self.assertRaises(AccessError):
            self.t_rep1.sudo(self.rep1).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            self.Target.sudo(self.rep1).create({
                "user_id": self.rep1.id, "period_type": "month",
                "date_start": "2030-07-01", "amount": 1.0})
        report = self.seen(self.rep1, "crm.sales.target.report")
        self.assertEqual(report.mapped("target_id"), self.t_rep1)
        forecast = self.env["crm.sales.forecast.report"].sudo(self.rep1).search([])
        self.assertEqual(forecast.mapped("user_id"), self.rep1)
        self.assertEqual(sum(forecast.mapped("attained_amount")), 2900.0)

    def test_a_team_leader_sets_the_targets_of_the_team_members(self):
        self.assertEqual(self.seen(self.leader), self.t_rep1 | self.t_rep2
                         | self.t_team_a)
        self.t_rep1.sudo(self.leader).write({"amount": 12000.0})
        self.assertEqual(self.t_rep1.amount, 12000.0)
        created = self.Target.sudo(self.leader).create({
            "user_id": self.rep2.id, "period_type": "month",
            "date_start": "2030-07-01", "amount": 1.0})
        self.assertEqual(created.team_id, self.team_a)
        self.assertEqual(
            self.seen(self.leader, "crm.sales.target.report").mapped("target_id"),
            self.t_rep1 | self.t_rep2 | self.t_team_a)

    def test_a_team_leader_cannot_set_other_teams_own_or_team_targets(self):
        with self.assertRaises(AccessError):
            self.t_rep3.sudo(self.leader).read(["amount"])
        with self.assertRaises(AccessError):
            self.Target.sudo(self.leader).create({
                "user_id": self.rep3.id, "period_type": "month",
                "date_start": "2030-07-01", "amount": 1.0})
        with self.assertRaises(AccessError):
            self.t_team_a.sudo(self.leader).write({"amount_source": "explicit",
                                                   "amount": 1.0})
        own = self.Target.create({"user_id": self.leader.id, "period_type": "month",
                                  "date_start": "2030-03-01", "amount": 1.0})
        self.assertIn(own, self.seen(self.leader))
        with self.assertRaises(AccessError):
            own.sudo(self.leader).write({"amount": 99999.0})
        self.assertNotIn(self.t_rep3, self.seen(self.leader,
                                                "crm.sales.target.report").mapped(
                                                    "target_id"))

    def test_managers_set_all_targets(self):
        self.assertEqual(self.seen(self.manager), self.seen(self.env.user))
        self.t_team_b.sudo(self.manager).write({"amount": 3500.0})
        self.t_rep3.sudo(self.manager).unlink()
        self.assertFalse(self.t_rep3.exists())

    def test_all_documents_users_and_analysts_read_all_and_change_nothing(self):
        everything = self.seen(self.env.user)
        for user in (self.all_docs, self.analyst):
            self.assertEqual(self.seen(user), everything)
            self.assertEqual(len(self.seen(user, "crm.sales.target.report")),
                             len(everything))
            with self.assertRaises(AccessError):
                self.t_rep3.sudo(user).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            self.Target.sudo(self.analyst).create({
                "user_id": self.rep3.id, "period_type": "month",
                "date_start": "2030-07-01", "amount": 1.0})
