"""The SMS layer (B4): the queue leaves most urgent first and not before its
time, in chunks; the same text to many numbers goes in one request; single and
bulk sends leave out (with the reason) whoever has no mobile or no consent; an
SMS campaign send through the local gateway; interrupted sends are not sent
again; who sees which SMS and gateway."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .marketing_fixtures import MarketingCase


def in_hours(hours):
    return fields.Datetime.to_string(
        fields.Datetime.from_string(fields.Datetime.now()) + timedelta(hours=hours))


class SmsCase(MarketingCase):

    @classmethod
    def setUpClass(cls):
        super(SmsCase, cls).setUpClass()
        cls.gateway = cls.env["crm.sms.gateway"].create({
            "name": "Test Local SMS", "kind": "local", "sign_name": "测试商城",
            "template_code": "SMS_100", "sequence": 0})
        Partner = cls.env["res.partner"]
        cls.agreed = Partner.create({"name": "Sms Agreed", "customer": True,
                                     "mobile": "13800000011"})
        cls.silent = Partner.create({"name": "Sms Silent", "customer": True,
                                     "mobile": "13800000012"})
        cls.landline = Partner.create({"name": "Sms Landline", "customer": True,
                                       "phone": "010-6552-1234"})
        cls.env["crm.consent"].record(cls.agreed, "sms", "opt_in", source="form")
        cls.env["crm.consent"].record(cls.agreed, "sms", "opt_in", "service",
                                      source="form")

    def message(self, priority="1", scheduled=None, body="Hello", number=None,
                **vals):
        values = {"number": number or "+8613800000099", "gateway_id": self.gateway.id,
                  "body": body, "priority": priority, "scheduled_date": scheduled}
        values.update(vals)
        return self.env["crm.sms.message"].create(values)

    def other_queued(self):
        """Queued messages of other tests or the demo data: out of the way."""
        self.env["crm.sms.message"].search([("state", "=", "queued")]).write(
            {"state": "cancelled"})


class TestSmsQueue(SmsCase):

    def test_priority_then_send_time_and_never_early(self):
        self.other_queued()
        low_early = self.message("0", in_hours(-3), body="low")
        normal_late = self.message("1", in_hours(-1), body="normal late")
        normal_early = self.message("1", in_hours(-2), body="normal early")
        urgent = self.message("3", in_hours(-0.5), body="urgent")
        future = self.message("3", in_hours(2), body="future")
        Message = self.env["crm.sms.message"]
        self.assertEqual(Message._send_due(1), 1)
        self.assertEqual(urgent.state, "sent")
        self.assertEqual(Message._send_due(2), 2)
        self.assertEqual((normal_early.state, normal_late.state), ("sent", "sent"))
        self.assertEqual(low_early.state, "queued")
        self.assertEqual(Message._cron_send(chunk_size=1), 1)
        self.assertEqual(low_early.state, "sent")
        self.assertEqual(future.state, "queued", "not before its time")
        self.assertTrue(urgent.date_sent)

    def test_same_text_goes_in_one_request(self):
        self.other_queued()
        first = self.message(number="+8613800000001", body="Same")
        second = self.message(number="+8613800000002", body="Same")
        other = self.message(number="+8613800000003", body="Different")
        self.env["crm.sms.message"]._cron_send()
        self.assertEqual(first.gateway_message_id, second.gateway_message_id)
        self.assertNotEqual(first.gateway_message_id, other.gateway_message_id)
        self.assertIn('"numbers": ["+8613800000001", "+8613800000002"]',
                      first.request_payload)
        self.assertIn('"sign_name": "测试商城"', first.request_payload)

    def test_interrupted_sends_fail_and_are_not_sent_again(self):
        stuck = self.message()
        self.env.cr.execute("UPDATE crm_sms_message SET state = 'sending', "
                            "write_date = %s WHERE id = %s", (in_hours(-2), stuck.id))
        self.env["crm.sms.message"]._cron_send()
        stuck.invalidate_cache()
        self.assertEqual(stuck.state, "failed")
        self.assertIn("outcome unknown", stuck.error)
        stuck.action_retry()
        self.assertEqual(stuck.state, "queued")


class TestSmsSend(SmsCase):

    def test_single_and_bulk_send_with_consent(self):
        wizard = self.env["res.partner.sms.send"].sudo(self.marketer).with_context(
            active_model="res.partner",
            active_ids=(self.agreed | self.silent | self.landline).ids).create({
                "gateway_id": self.gateway.id, "purpose": "marketing",
                "body": "Dear {name}, see you at the fair", "priority": "2"})
        action = wizard.action_send()
        messages = self.env["crm.sms.message"].search(action["domain"])
        by_partner = {m.partner_id: m for m in messages}
        self.assertEqual(by_partner[self.agreed].state, "queued")
        self.assertEqual(by_partner[self.agreed].number, "+8613800000011")
        self.assertEqual(by_partner[self.agreed].body,
                         "Dear Sms Agreed, see you at the fair")
        self.assertEqual(by_partner[self.agreed].priority, "2")
        self.assertEqual((by_partner[self.silent].state,
                          by_partner[self.silent].error),
                         ("excluded", "consent: no opt-in on record"))
        self.assertEqual(by_partner[self.landline].error, "no mobile number")
        single = self.env["res.partner.sms.send"].create({
            "partner_ids": [(6, 0, self.agreed.ids)], "gateway_id": self.gateway.id,
            "purpose": "service", "body": "Your order shipped"})
        single_messages = self.env["crm.sms.message"].search(
            single.action_send()["domain"])
        self.assertEqual(single_messages.state, "queued")
        with self.assertRaisesRegex(UserError, "Text"):
            self.env["res.partner.sms.send"].create({
                "partner_ids": [(6, 0, self.agreed.ids)],
                "gateway_id": self.gateway.id}).action_send()

    def test_campaign_send_over_sms(self):
        self.other_queued()
        campaign = self.campaign("SMS Fair")
        segment = self.env["crm.marketing.segment"].create({
            "name": "SMS Segment", "domain": repr([("name", "like", "Sms ")])})
        send = self.env["crm.marketing.send"].sudo(self.marketer).create({
            "name": "SMS wave", "campaign_id": campaign.id, "segment_id": segment.id,
            "channel": "sms", "sms_gateway_id": self.gateway.id,
            "sms_body": "{name}: spring fair on Friday. Reply TD to unsubscribe",
            "priority": "3"})
        send.action_send()
        members = {m.partner_id: m for m in send.member_ids}
        self.assertEqual(members[self.silent].exclusion_reason,
                         "consent: no opt-in on record")
        self.assertEqual(members[self.landline].exclusion_reason, "no mobile number")
        message = send.sms_message_ids
        self.assertEqual(message.partner_id, self.agreed)
        self.assertEqual((message.campaign_id, message.priority, message.member_id),
                         (campaign, "3", members[self.agreed]))
        self.env["crm.sms.message"]._cron_send()
        self.assertEqual(message.state, "sent")
        self.assertIn("Sms Agreed: spring fair", message.request_payload)
        members[self.agreed].invalidate_cache()
        self.assertEqual(members[self.agreed].state, "sent")
        self.assertEqual(send.sent_count, 1)

    def test_sms_send_needs_a_gateway_and_a_text(self):
        campaign = self.campaign("SMS Checks")
        segment = self.env["crm.marketing.segment"].create({"name": "S"})
        send = self.env["crm.marketing.send"].create({
            "name": "No text", "campaign_id": campaign.id, "segment_id": segment.id,
            "channel": "sms", "sms_gateway_id": False})
        with self.assertRaisesRegex(UserError, "SMS Gateway"):
            send.action_send()


class TestSmsSecurity(SmsCase):

    def test_salespeople_see_their_own_sms_marketing_sees_all(self):
        mine = self.env["res.partner.sms.send"].sudo(self.rep).create({
            "partner_ids": [(6, 0, self.agreed.ids)], "gateway_id": self.gateway.id,
            "purpose": "service", "body": "Mine"})
        mine_ids = self.env["crm.sms.message"].search(mine.action_send()["domain"]).ids
        other = self.message(body="Not the rep's")
        as_rep = self.env["crm.sms.message"].sudo(self.rep)
        self.assertEqual(as_rep.search([("id", "in", mine_ids + other.ids)]).ids,
                         mine_ids)
        with self.assertRaises(AccessError):
            as_rep.browse(other.id).read(["body"])
        as_marketer = self.env["crm.sms.message"].sudo(self.marketer)
        self.assertEqual(len(as_marketer.search([("id", "in", mine_ids + other.ids)])),
                         2)
        with self.assertRaises(AccessError):
            as_marketer.browse(other.id).write({"body": "changed"})

    def test_only_managers_configure_gateways_and_see_secrets(self):
        self.gateway.access_key_secret = "top-secret"
        as_marketer = self.gateway.sudo(self.marketer)
        self.assertEqual(as_marketer.name, "Test Local SMS")
        with self.assertRaises(AccessError):
            as_marketer.write({"sign_name": "x"})
        with self.assertRaises(AccessError):
            as_marketer.read(["access_key_secret"])
        as_manager = self.gateway.sudo(self.mkt_manager)
        as_manager.write({"sign_name": "新商城"})
        self.assertEqual(as_manager.read(["access_key_secret"])[0]["access_key_secret"],
                         "top-secret")
        self.assertIn("/crm_core/sms/report/", as_manager.report_url)
        self.assertFalse(as_marketer.report_url)
