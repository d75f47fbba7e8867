"""SMS gateway callbacks over real HTTP: delivery reports mark messages (and the
campaign's recipients) delivered or failed, a reply "TD" records an opt-out in
the consent ledger, another reply counts as a response; a repeated callback
changes nothing, bad bodies get 400 naming the field and unknown tokens 404,
writing nothing."""
import requests

from .http_case import ClientErrorsQuietHandler, HttpCase


class TestSmsCallbacksHttp(HttpCase):

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        cls.gateway = cls.env["crm.sms.gateway"].create({
            "name": "Callback Local", "kind": "local", "sign_name": "测试"})
        Partner = cls.env["res.partner"]
        cls.reader = Partner.create({"name": "Callback Reader", "customer": True,
                                     "mobile": "13800000021"})
        cls.chatty = Partner.create({"name": "Callback Chatty", "customer": True,
                                     "mobile": "13800000022"})
        for partner in cls.reader | cls.chatty:
            cls.env["crm.consent"].record(partner, "sms", "opt_in", source="form")
        campaign = cls.env["utm.campaign"].create({"name": "Callback Campaign"})
        segment = cls.env["crm.marketing.segment"].create({
            "name": "Callback Segment",
            "domain": repr([("id", "in", (cls.reader | cls.chatty).ids)])})
        cls.send = cls.env["crm.marketing.send"].create({
            "name": "Callback wave", "campaign_id": campaign.id,
            "segment_id": segment.id, "channel": "sms",
            "sms_gateway_id": cls.gateway.id, "sms_body": "Hi {name}"})
        cls.send.action_send()
        cls.env["crm.sms.message"].search([
            ("state", "=", "queued"), ("send_id", "!=", cls.send.id)]).write(
            {"state": "cancelled"})
        cls.env["crm.sms.message"]._cron_send()
        cls.messages = {m.partner_id: m for m in cls.send.sms_message_ids}
        cls.token = cls.gateway.callback_token

    def post(self, kind, payload, token=None, **kwargs):
        return requests.post("%s/crm_core/sms/%s/%s" % (
            self.base_url, kind, token or self.token), json=payload, timeout=30,
            **kwargs)

    def test_delivery_reports(self):
        reader = self.messages[self.reader]
        chatty = self.messages[self.chatty]
        reports = [
            {"biz_id": reader.gateway_message_id, "phone_number": "13800000021",
             "success": True, "err_code": "DELIVERED", "err_msg": "用户接收成功",
             "report_time": "2026-03-08 10:00:01"},
            {"biz_id": chatty.gateway_message_id, "phone_number": "13800000022",
             "success": False, "err_code": "MK:0001", "err_msg": "空号"},
        ]
        with self.served():
            first = self.post("report", reports)
            again = self.post("report", reports)
        self.assertEqual(first.status_code, 200)
        self.assertEqual(first.json(), {"code": 0, "msg": "成功", "changed": 2})
        self.assertEqual(again.json()["changed"], 0)
        self.assertEqual((reader.state, chatty.state), ("delivered", "failed"))
        self.assertEqual(chatty.error, "MK:0001 空号")
        members = {m.partner_id: m for m in self.send.member_ids}
        self.assertEqual((members[self.reader].state, members[self.chatty].state),
                         ("delivered", "failed"))

    def test_td_reply_records_an_opt_out_once(self):
        reply = [{"phone_number": "13800000021", "content": "TD",
                  "send_time": "2026-03-08 10:05:00", "sequence_id": 5001}]
        with self.served():
            first = self.post("reply", reply)
            again = self.post("reply", reply)
        self.assertEqual((first.status_code, again.status_code), (200, 200))
        self.assertEqual((first.json()["changed"], again.json()["changed"]), (1, 0))
        opt_outs = self.env["crm.consent"].search([
            ("partner_id", "=", self.reader.id), ("channel", "=", "sms"),
            ("status", "=", "opt_out")])
        self.assertEqual(len(opt_outs), 1)
        self.assertEqual((opt_outs.source, opt_outs.purpose),
                         ("sms_reply", "marketing"))
        allowed, _excluded = self.env["crm.consent"].check(self.reader, "sms")
        self.assertFalse(allowed)
        inbound = self.env["crm.sms.message"].search([("reference", "=", "5001")])
        self.assertEqual((inbound.direction, inbound.partner_id, inbound.opt_out,
                          inbound.reply_to_id), ("inbound", self.reader, True,
                                                 self.messages[self.reader]))

    def test_other_reply_is_a_response(self):
        reply = {"phone_number": "13800000022", "content": "有兴趣，请联系我",
                 "sequence_id": "5002"}
        with self.served():
            answer = self.post("reply", reply)
        self.assertEqual(answer.status_code, 200)
        member = self.send.member_ids.filtered(lambda m: m.partner_id == self.chatty)
        self.assertIn(member.state, ("replied", "responded"))
        self.assertFalse(self.env["crm.consent"].search([
            ("partner_id", "=", self.chatty.id), ("status", "=", "opt_out")]))

    def test_bad_input_and_unknown_token_write_nothing(self):
        before = self.env["crm.sms.message"].search_count([])
        with self.served():
            not_json = requests.post(
                "%s/crm_core/sms/reply/%s" % (self.base_url, self.token),
                data="TD", headers={"Content-Type": "application/json"}, timeout=30)
            missing = self.post("report", [{"phone_number": "1", "success": True}])
            unknown = self.post("reply", [{"phone_number": "13800000021",
                                           "content": "TD", "sequence_id": 9}],
                                token="x" * 32)
            get = requests.get("%s/crm_core/sms/report/%s" % (self.base_url,
                                                              self.token), timeout=30)
        self.assertEqual((not_json.status_code, not_json.json()["field"]),
                         (400, "body"))
        self.assertEqual((missing.status_code, missing.json()["field"]),
                         (400, "biz_id[0]"))
        self.assertEqual(unknown.status_code, 404)
        self.assertIn(get.status_code, (404, 405))
        self.assertEqual(self.env["crm.sms.message"].search_count([]), before)
