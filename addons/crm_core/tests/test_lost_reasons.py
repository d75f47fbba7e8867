"""Lost reasons and competitors (A18): "Mark as Lost" asks for a loss reason from the
dictionary and, for reasons that need one, the competitor who won; both are kept on
the deal, Odoo's own lost reason follows the dictionary value's mapping, and the
Lost Deals report adds them up by reason and competitor within the data scope."""
from odoo.exceptions import AccessError, UserError, ValidationError

from .test_funnel import FunnelCase


class LostCase(FunnelCase):

    @classmethod
    def setUpClass(cls):
        super(LostCase, cls).setUpClass()
        ref = cls.env.ref
        cls.price = ref("crm_core.dictionary_lost_reason_price")
        cls.to_competitor = ref("crm_core.dictionary_lost_reason_competitor")
        cls.no_budget = ref("crm_core.dictionary_lost_reason_no_budget")
        Item = cls.env["crm.dictionary.item"]
        competitors = ref("crm_core.dictionary_competitor")
        cls.acme = Item.create({"dictionary_id": competitors.id, "name": "Acme Test",
                                "code": "acme_test"})
        cls.globex = Item.create({"dictionary_id": competitors.id,
                                  "name": "Globex Test", "code": "globex_test"})

    @classmethod
    def deal(cls, name, user, team, stage, revenue):
        return cls.lead(name, user, team, stage, revenue, cls.fair,
                        "2024-06-01 10:00:00")

    def mark_lost(self, leads, user, reason, competitor=None):
        wizard = self.env["crm.lead.lost"].sudo(user).with_context(
            active_model="crm.lead", active_ids=leads.ids).create({
                "reason_id": reason.id,
                "competitor_id": competitor.id if competitor else False})
        return wizard.action_lost_reason_apply()


class TestMarkLost(LostCase):

    def test_the_shipped_dictionaries(self):
        Item = self.env["crm.dictionary.item"]
        reasons = Item.search([("dictionary_code", "=", "lost_reason")])
        self.assertGreaterEqual(len(reasons), 6)
        self.assertEqual(reasons.filtered("requires_competitor"), self.to_competitor)
        self.assertEqual(self.price.crm_lost_reason_id,
                         self.env.ref("crm.lost_reason_1"))
        self.assertGreaterEqual(
            Item.search_count([("dictionary_code", "=", "competitor")]), 5)

    def test_a_rep_marks_a_deal_lost_with_a_reason(self):
        deal = self.deal("Lost price", self.rep1, self.team_a, self.s2, 5000)
        self.mark_lost(deal, self.rep1, self.price)
        self.assertEqual((deal.active, deal.probability), (False, 0.0))
        self.assertEqual(deal.lost_reason_id, self.price)
        self.assertFalse(deal.competitor_id)
        self.assertEqual(deal.lost_reason, self.env.ref("crm.lost_reason_1"),
                         "Odoo's own lost reason follows the mapping")

    def test_lost_to_a_competitor_needs_the_competitor(self):
        deal = self.deal("Lost nameless", self.rep1, self.team_a, self.s2, 5000)
        with self.assertRaisesRegex(UserError, "Won by Competitor"):
            self.mark_lost(deal, self.rep1, self.to_competitor)
        self.assertTrue(deal.active)
        self.assertFalse(deal.lost_reason_id)

    def test_several_deals_lost_to_a_competitor(self):
        deals = self.deal("Lost A", self.rep1, self.team_a, self.s2, 5000) \
            | self.deal("Lost B", self.rep1, self.team_a, self.s3, 7000)
        self.mark_lost(deals, self.rep1, self.to_competitor, self.acme)
        self.assertEqual(deals.mapped("competitor_id"), self.acme)
        self.assertEqual(deals.mapped("lost_reason_id"), self.to_competitor)
        self.assertFalse(any(deals.mapped("active")))
        self.assertFalse(deals.mapped("lost_reason"), "no Odoo reason is mapped")

    def test_values_of_the_wrong_dictionary_are_refused(self):
        deal = self.deal("Lost wrong", self.rep1, self.team_a, self.s2, 5000)
        with self.assertRaisesRegex(UserError, "Loss Reason"):
            self.mark_lost(deal, self.rep1, self.acme)
        with self.assertRaisesRegex(UserError, "not a competitor"):
            self.mark_lost(deal, self.rep1, self.price, self.no_budget)
        self.assertTrue(deal.active)
        with self.assertRaises(ValidationError):
            deal.write({"lost_reason_id": self.acme.id})

    def test_a_restored_deal_forgets_why_it_was_lost(self):
        deal = self.deal("Lost back", self.rep1, self.team_a, self.s2, 5000)
        self.mark_lost(deal, self.rep1, self.price)
        deal.sudo(self.rep1).toggle_active()
        self.assertTrue(deal.active)
        self.assertFalse(deal.lost_reason_id | deal.competitor_id)
        self.assertFalse(deal.lost_reason)

    def test_a_rep_cannot_mark_a_colleagues_deal_lost(self):
        deal = self.deal("Lost other", self.rep2, self.team_a, self.s2, 5000)
        with self.assertRaises(AccessError):
            self.mark_lost(deal, self.rep1, self.price)
        self.assertTrue(deal.sudo().active)


class TestLostDealReport(LostCase):
    """rep1: 1000 (price), 2000 + 4000 (Acme); rep2: 8000 (Globex); rep3 (team B):
    16000 (Acme); and one open deal that must not count."""

    @classmethod
    def setUpClass(cls):
        super(TestLostDealReport, cls).setUpClass()
        deal = cls.deal
        cls.d1 = deal("R price", cls.rep1, cls.team_a, cls.s1, 1000)
        cls.d2 = deal("R acme 1", cls.rep1, cls.team_a, cls.s2, 2000)
        cls.d3 = deal("R acme 2", cls.rep1, cls.team_a, cls.s3, 4000)
        cls.d4 = deal("R globex", cls.rep2, cls.team_a, cls.s2, 8000)
        cls.d5 = deal("R team b", cls.rep3, cls.team_b, cls.t2, 16000)
        cls.open = deal("R open", cls.rep1, cls.team_a, cls.s2, 32000)
        cls.fixtures = cls.d1 | cls.d2 | cls.d3 | cls.d4 | cls.d5 | cls.open
        Lost = cls.env["crm.lead.lost"]

        def lose(leads, reason, competitor=False):
            Lost.with_context(active_ids=leads.ids).create({
                "reason_id": reason.id,
                "competitor_id": competitor and competitor.id,
            }).action_lost_reason_apply()

        lose(cls.d1, cls.price)
        lose(cls.d2 | cls.d3 | cls.d5, cls.to_competitor, cls.acme)
        lose(cls.d4, cls.to_competitor, cls.globex)

    def report(self, user, groupby):
        Report = self.env["crm.lost.deal.report"].sudo(user)
        groups = Report.read_group(
            [("lead_id", "in", self.fixtures.ids)],
            ["nbr_lost", "lost_revenue"] + groupby, groupby, lazy=False)
        return {tuple(g[f] and g[f][0] for f in groupby):
                (g["nbr_lost"], g["lost_revenue"]) for g in groups}

    def test_pivot_by_reason_and_competitor_equals_the_fixtures(self):
        by_reason = self.report(self.manager, ["lost_reason_id", "competitor_id"])
        self.assertEqual(by_reason, {
            (self.price.id, False): (1, 1000.0),
            (self.to_competitor.id, self.acme.id): (3, 22000.0),
            (self.to_competitor.id, self.globex.id): (1, 8000.0),
        })

    def test_lost_in_stage_and_by_salesperson(self):
        self.assertEqual(self.report(self.manager, ["stage_id"]), {
            (self.s1.id,): (1, 1000.0), (self.s2.id,): (2, 10000.0),
            (self.s3.id,): (1, 4000.0), (self.t2.id,): (1, 16000.0)})
        self.assertEqual(self.report(self.analyst, ["user_id"]), {
            (self.rep1.id,): (3, 7000.0), (self.rep2.id,): (1, 8000.0),
            (self.rep3.id,): (1, 16000.0)})

    def test_the_report_follows_the_data_scope(self):
        self.assertEqual(self.report(self.rep1, ["competitor_id"]), {
            (False,): (1, 1000.0), (self.acme.id,): (2, 6000.0)})
        self.assertEqual(self.report(self.leader, ["team_id"]), {
            (self.team_a.id,): (4, 15000.0)})
        with self.assertRaises(AccessError):
            self.env["crm.lost.deal.report"].sudo(self.rep1).browse(
                self.d4.id).read(["lost_reason_id"])

    def test_odoo_pipeline_analysis_keeps_its_lost_reason(self):
        """Odoo's Pipeline Analysis has one row per lead, with the lead's id."""
        rows = self.env["crm.opportunity.report"].with_context(
            active_test=False).search([("id", "in", (self.d1 | self.d2).ids)])
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows.filtered(lambda r: r.id == self.d1.id).lost_reason,
                         self.env.ref("crm.lost_reason_1"))
        self.assertFalse(rows.filtered(lambda r: r.id == self.d2.id).lost_reason)
