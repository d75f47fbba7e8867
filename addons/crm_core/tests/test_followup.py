"""Follow-ups (客户跟进) keep the customer's last/next dates and counts, plan the
next step as an activity, and feed the stale flag."""
from odoo.exceptions import ValidationError

from .test_pool import PoolCase, days_ago


class TestFollowup(PoolCase):

    @classmethod
    def setUpClass(cls):
        super(TestFollowup, cls).setUpClass()
        cls.channel = cls.env.ref("crm_core.dictionary_followup_channel_wechat")
        cls.partner = cls.customer("Follow Co", owner=cls.rep1)

    def log(self, **vals):
        values = {"partner_id": self.partner.id, "channel_id": self.channel.id,
                  "summary": "Talked on WeChat"}
        values.update(vals)
        return self.env["crm.followup"].sudo(self.rep1).create(values)

    def test_logging_updates_the_customer(self):
        self.log(date=days_ago(3))
        latest = self.log(next_date="2099-01-01", next_step="Send the quotation")
        self.assertEqual(self.partner.followup_count, 2)
        self.assertEqual(self.partner.last_followup_date, latest.date)
        self.assertEqual(self.partner.next_followup_date, "2099-01-01")
        activity = latest.activity_id
        self.assertEqual((activity.user_id, activity.res_id, activity.summary),
                         (self.rep1, self.partner.id, "Send the quotation"))

    def test_deleting_updates_the_customer(self):
        followup = self.log(next_date="2099-01-01")
        activity = followup.activity_id
        followup.sudo().unlink()
        self.assertEqual(self.partner.followup_count, 0)
        self.assertFalse(self.partner.last_followup_date)
        self.assertFalse(activity.exists())

    def test_next_date_before_the_follow_up_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be before"):
            self.log(date="2026-01-10 10:00:00", next_date="2026-01-01")

    def test_stale_customers(self):
        stale = self.customer("Stale Co", owner=self.rep1)
        stale.write({"last_followup_date": days_ago(45)})
        self.log()
        found = self.env["res.partner"].search(
            [("is_stale", "=", True), ("id", "in", (stale | self.partner).ids)])
        self.assertEqual(found, stale)
        self.assertTrue(stale.is_stale)
        self.assertFalse(self.partner.is_stale)

    def test_first_confirmed_order_makes_a_customer(self):
        self.assertEqual(self.partner.lifecycle_state, "prospect")
        product = self.env["product.product"].create({"name": "Valve", "list_price": 5})
        order = self.env["sale.order"].create({
            "partner_id": self.partner.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})],
        })
        order.action_confirm()
        self.assertEqual(self.partner.lifecycle_state, "customer")

    def test_opportunity_counts_take_one_query(self):
        partners = self.env["res.partner"]
        for index in range(5):
            partner = self.customer("Count %d" % index, owner=self.rep1)
            self.env["crm.lead"].create({"name": "Deal %d" % index,
                                         "type": "opportunity",
                                         "partner_id": partner.id})
            partners |= partner
        partners.invalidate_cache()
        with self.assertMaxQueries(4):
            counts = [p.opportunity_count for p in partners]
        self.assertEqual(counts, [1] * 5)


class TestMerge(PoolCase):

    def test_merging_duplicates_keeps_all_history(self):
        channel = self.env.ref("crm_core.dictionary_followup_channel_phone")
        keep = self.customer("华腾机械", owner=self.rep1, email="info@ht.cn")
        dup = self.customer("华腾机械有限公司", owner=self.rep1, email="info@ht.cn")
        Followup = self.env["crm.followup"]
        for partner in (keep, dup):
            Followup.create({"partner_id": partner.id, "channel_id": channel.id,
                             "user_id": self.rep1.id, "summary": "Call"})
        self.env["crm.customer.share"].create(
            {"partner_id": dup.id, "user_id": self.rep2.id})
        dup_logs = dup.pool_log_ids
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((keep | dup).ids, dst_partner=keep)
        self.assertFalse(dup.exists())
        self.assertEqual(keep.followup_count, 2)
        self.assertEqual(len(keep.followup_ids), 2)
        self.assertIn(self.rep2, keep.shared_user_ids)
        self.assertTrue(dup_logs <= keep.pool_log_ids)


class TestMatchKeys(PoolCase):

    def test_keys_are_normalized_and_found(self):
        partner = self.customer("镇江测试键值科技有限公司", phone="０５１１－８６６６ ２９２９",
                                mobile="139-7000-0417", email=" Keys@Unit-Test.cn ")
        self.assertEqual(partner.phone_sanitized, "+8651186662929")
        self.assertEqual(partner.mobile_sanitized, "+8613970000417")
        self.assertEqual(partner.email_normalized, "keys@unit-test.cn")
        self.assertEqual(partner.name_key, "镇江测试键值科技")
        keys = {("phone", "+8613970000417"), ("email", "keys@unit-test.cn"),
                ("name", "镇江测试键值科技"), ("phone", "+8610000000000")}
        found = self.env["res.partner"]._find_by_keys(keys)
        self.assertEqual(found[("phone", "+8613970000417")], {partner.id})
        self.assertEqual(found[("email", "keys@unit-test.cn")], {partner.id})
        self.assertEqual(found[("name", "镇江测试键值科技")], {partner.id})
        self.assertNotIn(("phone", "+8610000000000"), found)
