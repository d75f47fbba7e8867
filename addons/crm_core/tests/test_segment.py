"""Segments (B2): typed conditions (level, lifecycle, region, industry, tags, last
purchase, open opportunities), contacts included or not, an extra domain, the
live member count, snapshots written in one statement under the user's record
rules, bad input named, and who may change a segment."""
from odoo import fields
from odoo.exceptions import AccessError, ValidationError

from .marketing_fixtures import MarketingCase


class TestSegment(MarketingCase):

    @classmethod
    def setUpClass(cls):
        super(TestSegment, cls).setUpClass()
        cls.gold = cls.env.ref("crm_core.dictionary_customer_level_a")
        cls.silver = cls.env.ref("crm_core.dictionary_customer_level_b")
        china = cls.env.ref("base.cn")
        cls.jiangsu = cls.env["res.country.state"].create(
            {"name": "Segment Jiangsu", "code": "SJS", "country_id": china.id})
        cls.zhejiang = cls.env["res.country.state"].create(
            {"name": "Segment Zhejiang", "code": "SZJ", "country_id": china.id})
        cls.machinery = cls.env["res.partner.industry"].create(
            {"name": "Segment Machinery"})
        cls.vip = cls.env["res.partner.category"].create({"name": "Segment VIP"})
        Partner = cls.env["res.partner"]
        base = {"customer": True, "is_company": True, "country_id": china.id}
        cls.alpha = Partner.create(dict(
            base, name="Seg Alpha", customer_level_id=cls.gold.id,
            state_id=cls.jiangsu.id, industry_id=cls.machinery.id,
            category_id=[(6, 0, cls.vip.ids)], lifecycle_state="customer",
            email="alpha@example.com"))
        cls.alpha_contact = Partner.create({
            "name": "Seg Alpha Buyer", "parent_id": cls.alpha.id,
            "email": "buyer@alpha.example.com", "mobile": "13800000001"})
        cls.beta = Partner.create(dict(
            base, name="Seg Beta", customer_level_id=cls.gold.id,
            state_id=cls.zhejiang.id, lifecycle_state="prospect",
            email="beta@example.com"))
        cls.gamma = Partner.create(dict(
            base, name="Seg Gamma", customer_level_id=cls.silver.id,
            state_id=cls.jiangsu.id, industry_id=cls.machinery.id,
            lifecycle_state="customer"))
        # Alpha bought in January, Gamma in June; Beta has an open opportunity
        for partner, day in ((cls.alpha, "2026-01-15 10:00:00"),
                             (cls.gamma, "2026-06-15 10:00:00")):
            order = cls.order(100.0, partner=partner)
            order.action_confirm()
            order.confirmation_date = day
        cls.env["crm.lead"].create({"name": "Beta deal", "type": "opportunity",
                                    "partner_id": cls.beta.id})
        cls.ours = cls.alpha | cls.beta | cls.gamma

    def segment(self, **vals):
        values = {"name": "Test Segment",
                  "domain": repr([("name", "like", "Seg ")])}
        values.update(vals)
        return self.env["crm.marketing.segment"].create(values)

    def members(self, segment):
        return self.env["res.partner"].search(segment._get_partner_domain())

    def test_each_condition(self):
        cases = [
            ({}, self.ours),
            ({"level_ids": [(6, 0, self.gold.ids)]}, self.alpha | self.beta),
            ({"lifecycle_state": "customer"}, self.alpha | self.gamma),
            ({"state_ids": [(6, 0, self.jiangsu.ids)]}, self.alpha | self.gamma),
            ({"industry_ids": [(6, 0, self.machinery.ids)]}, self.alpha | self.gamma),
            ({"category_ids": [(6, 0, self.vip.ids)]}, self.alpha),
            ({"last_purchase_after": "2026-03-01"}, self.gamma),
            ({"last_purchase_before": "2026-03-01"}, self.alpha),
            ({"open_opportunity": "yes"}, self.beta),
            ({"open_opportunity": "no"}, self.alpha | self.gamma),
            ({"level_ids": [(6, 0, self.gold.ids)],
              "state_ids": [(6, 0, self.jiangsu.ids)]}, self.alpha),
        ]
        for vals, expected in cases:
            segment = self.segment(**vals)
            self.assertEqual(self.members(segment), expected, vals)
            self.assertEqual(segment.member_count, len(expected), vals)

    def test_contacts_follow_their_company(self):
        segment = self.segment(level_ids=[(6, 0, self.gold.ids)],
                               state_ids=[(6, 0, self.jiangsu.ids)],
                               include_contacts=True)
        self.assertEqual(self.members(segment), self.alpha | self.alpha_contact)
        segment.domain = repr([("name", "like", "Seg "), ("parent_id", "!=", False)])
        self.assertEqual(self.members(segment), self.alpha_contact)

    def test_live_count_in_the_form(self):
        """The count follows the conditions while the form is edited (onchange),
        before anything is saved."""
        Segment = self.env["crm.marketing.segment"]
        draft = Segment.new({"name": "Draft",
                             "domain": repr([("name", "like", "Seg ")])})
        self.assertEqual(draft.member_count, 3)
        draft.level_ids = self.silver
        self.assertEqual(draft.member_count, 1)

    def test_snapshot_freezes_members_and_addresses(self):
        segment = self.segment(include_contacts=True,
                               level_ids=[(6, 0, self.gold.ids)])
        with self.assertMaxQueries(12):
            snapshot = segment._take_snapshot()
        self.assertEqual(snapshot.member_count, 3)
        by_partner = {m.partner_id: m for m in snapshot.member_ids}
        self.assertEqual(set(by_partner), set(self.alpha | self.alpha_contact
                                              | self.beta))
        self.assertEqual(by_partner[self.alpha_contact].mobile, "+8613800000001")
        self.assertEqual(by_partner[self.alpha].email, "alpha@example.com")
        self.assertIn("customer_level_id", snapshot.domain)
        # later changes do not touch the snapshot
        self.beta.customer_level_id = self.silver
        self.assertEqual(segment.member_count, 2)
        snapshot.invalidate_cache()
        self.assertEqual(len(snapshot.member_ids), 3)

    def test_snapshot_respects_the_users_record_rules(self):
        """A marketer limited to their own customers' scope snapshots only the
        customers they may read."""
        scoped = self.new_user("mkt_scoped", ["base.group_user",
                                              "crm_core.group_marketing_user"])
        self.env.ref("crm_core.data_scope_marketing").write(
            {"customer_scope": "own", "pool_access": False})
        self.alpha.user_id = scoped
        segment = self.segment().sudo(scoped)
        visible = self.env["res.partner"].sudo(scoped).search(
            segment._get_partner_domain())
        snapshot = segment._take_snapshot()
        self.assertEqual(visible, self.alpha)
        members = snapshot.sudo().member_ids  # sudo: every member, as stored
        self.assertEqual(members.mapped("partner_id"), visible)

    def test_bad_input_names_the_field(self):
        with self.assertRaisesRegex(ValidationError, "Extra Conditions"), \
                self.env.cr.savepoint():
            self.segment(domain="[('no_such_field', '=', 1)]")
        with self.assertRaisesRegex(ValidationError, "Extra Conditions"), \
                self.env.cr.savepoint():
            self.segment(domain="not a domain")
        with self.assertRaisesRegex(ValidationError, "Last Purchase Before"), \
                self.env.cr.savepoint():
            self.segment(last_purchase_after="2026-05-01",
                         last_purchase_before="2026-04-01")

    def test_marketers_manage_their_own_segments(self):
        mine = self.segment(name="Mine", user_id=self.marketer.id)
        theirs = self.segment(name="Theirs", user_id=self.marketer2.id)
        as_marketer = self.env["crm.marketing.segment"].sudo(self.marketer)
        as_marketer.browse(mine.id).write({"description": "Ok"})
        self.assertEqual(as_marketer.browse(theirs.id).member_count, 3)
        with self.assertRaises(AccessError):
            as_marketer.browse(theirs.id).write({"description": "No"})
        self.env["crm.marketing.segment"].sudo(self.mkt_manager).browse(
            theirs.id).write({"description": "Managers may"})
        with self.assertRaises(AccessError):
            self.env["crm.marketing.segment"].sudo(self.rep).search([])

    def test_last_order_date_is_the_companys(self):
        self.assertEqual(self.alpha_contact.last_order_date, "2026-01-15 10:00:00")
        self.assertFalse(self.beta.last_order_date)
        never = self.env["res.partner"].search(
            [("last_order_date", "=", False), ("id", "in", self.ours.ids)])
        self.assertEqual(never, self.beta)
        self.assertTrue(fields.Datetime.from_string(self.gamma.last_order_date))
