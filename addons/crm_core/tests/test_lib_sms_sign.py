"""Signed SMS gateway requests and callback parsing (no database)."""
import datetime
import json
import unittest

from ..lib import sms_sign

# Aliyun's published signature example (SMS API, "签名机制"): GET, key testSecret.
ALIYUN_EXAMPLE = {
    "AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
    "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou",
    "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007",
    "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}


class TestSign(unittest.TestCase):

    def test_percent_encoding(self):
        self.assertEqual(sms_sign.percent_encode("a b*c~d/e+f"),
                         "a%20b%2Ac~d%2Fe%2Bf")
        self.assertEqual(sms_sign.percent_encode("退订"), "%E9%80%80%E8%AE%A2")

    def test_aliyun_published_example(self):
        self.assertEqual(sms_sign.sign(ALIYUN_EXAMPLE, "testSecret", "HMAC-SHA1",
                                       "GET"), "zJDF+Lrzhj/ThnlvIToysFRq6t4=")

    def test_request_is_signed_and_verifiable(self):
        params = sms_sign.send_request(
            "key-id", "s3cret", ["+8613800138000", "+8613900139000"], "云商城",
            "SMS_1", {"name": "王芳"}, method="HMAC-SHA256",
            timestamp=datetime.datetime(2026, 3, 8, 1, 2, 3), nonce="n1")
        self.assertEqual(params["PhoneNumbers"], "13800138000,13900139000")
        self.assertEqual(params["Timestamp"], "2026-03-08T01:02:03Z")
        self.assertEqual(json.loads(params["TemplateParam"]), {"name": "王芳"})
        self.assertTrue(sms_sign.verify(params, "s3cret"))
        self.assertFalse(sms_sign.verify(params, "other"))
        tampered = dict(params, PhoneNumbers="13800138001")
        self.assertFalse(sms_sign.verify(tampered, "s3cret"))
        with self.assertRaises(ValueError):
            sms_sign.send_request("k", "s", [], "S", "T", {})
        with self.assertRaises(ValueError):
            sms_sign.sign({}, "s", "MD5")

    def test_send_responses(self):
        self.assertEqual(sms_sign.parse_send_response(
            200, '{"Code": "OK", "BizId": "900", "Message": "OK"}'),
            (True, "900", None))
        accepted, message_id, error = sms_sign.parse_send_response(
            200, b'{"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "bad number"}')
        self.assertEqual((accepted, message_id), (False, None))
        self.assertEqual(error, "isv.MOBILE_NUMBER_ILLEGAL bad number")
        self.assertIn("not JSON", sms_sign.parse_send_response(502, "<html>")[2])


class TestCallbacks(unittest.TestCase):

    def test_reports(self):
        reports = sms_sign.parse_reports([
            {"biz_id": "900", "phone_number": "13800138000", "success": True,
             "err_code": "DELIVERED", "err_msg": "用户接收成功"}])
        self.assertEqual(reports[0]["message_id"], "900")
        self.assertTrue(reports[0]["delivered"])
        single = sms_sign.parse_reports({"biz_id": 7, "phone_number": "1",
                                         "success": False})
        self.assertEqual(single[0]["message_id"], "7")

    def test_bad_reports_name_the_field(self):
        cases = [
            ("nope", "body"), ([], "body"), ([1], "body[0]"),
            ([{"phone_number": "1", "success": True}], "biz_id[0]"),
            ([{"biz_id": "1", "phone_number": "1", "success": "yes"}], "success[0]"),
            ([{"biz_id": ["x"], "phone_number": "1", "success": True}], "biz_id[0]"),
        ]
        for payload, field in cases:
            with self.assertRaises(sms_sign.GatewayError) as caught:
                sms_sign.parse_reports(payload)
            self.assertEqual(caught.exception.field, field, payload)

    def test_replies_and_opt_out_words(self):
        replies = sms_sign.parse_replies([{"phone_number": "13800138000",
                                           "content": "TD", "sequence_id": 12}])
        self.assertEqual(replies[0]["reference"], "12")
        with self.assertRaises(sms_sign.GatewayError) as caught:
            sms_sign.parse_replies([{"phone_number": "1", "content": "hi"}])
        self.assertEqual(caught.exception.field, "sequence_id[0]")
        for text in ("TD", "td", " T ", "退订", "ＴＤ", "TD.", "Stop"):
            self.assertTrue(sms_sign.is_opt_out(text), text)
        for text in ("TDX", "好的", "请联系我", "", None, "T D E"):
            self.assertFalse(sms_sign.is_opt_out(text), text)

    def test_chunks(self):
        self.assertEqual(list(sms_sign.chunks([1, 2, 3, 4, 5], 2)),
                         [[1, 2], [3, 4], [5]])
