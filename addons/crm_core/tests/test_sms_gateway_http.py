"""The HTTP SMS adapter against a fake gateway on 127.0.0.1: the request is a
signed form post (checked here with an HMAC computed independently of the
adapter) carrying the sign name, template code, JSON parameters and national
numbers; the gateway's answer becomes each message's status, and an
unreachable or broken gateway fails the messages with the reason."""
import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

from .test_sms import SmsCase

SECRET = "fake-secret"


def expected_signature(params, secret):
    """The signature the gateway expects, written out from the gateway's
    documentation rather than taken from the adapter."""
    def enc(text):
        return urllib.parse.quote(text, safe="-_.~")
    query = "&".join("%s=%s" % (enc(key), enc(params[key]))
                     for key in sorted(params) if key != "Signature")
    to_sign = "POST&%2F&" + enc(query)
    digest = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}[
        params["SignatureMethod"]]
    return base64.b64encode(hmac.new((secret + "&").encode(), to_sign.encode(),
                                     digest).digest()).decode()


class FakeGateway(BaseHTTPRequestHandler):
    """Answers like the gateway: OK with a BizId, an error code for the number
    13800000666, 403 for a bad signature. Records each request."""

    received = []

    def do_POST(self):  # noqa: N802 (the handler's name)
        length = int(self.headers.get("Content-Length") or 0)
        params = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        self.received.append(params)
        if params.get("Signature") != expected_signature(params, SECRET):
            status, body = 403, {"Code": "SignatureDoesNotMatch",
                                 "Message": "Specified signature is not matched"}
        elif "13800000666" in params.get("PhoneNumbers", ""):
            status, body = 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL",
                                 "Message": "非法手机号"}
        else:
            status, body = 200, {"Code": "OK", "Message": "OK",
                                 "BizId": "biz-%d" % len(self.received),
                                 "RequestId": "r"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        return None


class TestHttpGateway(SmsCase):

    @classmethod
    def setUpClass(cls):
        super(TestHttpGateway, cls).setUpClass()
        cls.server = HTTPServer(("127.0.0.1", 0), FakeGateway)
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.http_gateway = cls.env["crm.sms.gateway"].create({
            "name": "Fake Aliyun", "kind": "http", "sequence": 5,
            "url": "http://127.0.0.1:%d/" % cls.server.server_port,
            "access_key_id": "LTAI-test", "access_key_secret": SECRET,
            "signature_method": "HMAC-SHA256", "sign_name": "云商城",
            "template_code": "SMS_200", "batch_size": 2, "timeout": 5})

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.thread.join(5)
        super(TestHttpGateway, cls).tearDownClass()

    def setUp(self):
        super(TestHttpGateway, self).setUp()
        FakeGateway.received[:] = []
        self.other_queued()

    def queue(self, number, **vals):
        values = {"number": number, "gateway_id": self.http_gateway.id,
                  "template_params": json.dumps({"name": "王芳"}, ensure_ascii=False)}
        values.update(vals)
        return self.env["crm.sms.message"].create(values)

    def test_signed_request_and_accepted_answer(self):
        first = self.queue("+8613800000001")
        second = self.queue("+8613800000002")
        third = self.queue("+8613800000003")
        self.env["crm.sms.message"]._cron_send()
        self.assertEqual(len(FakeGateway.received), 2, "batches of two numbers")
        request = FakeGateway.received[0]
        self.assertEqual(request["Signature"], expected_signature(request, SECRET))
        self.assertEqual((request["Action"], request["AccessKeyId"],
                          request["SignName"], request["TemplateCode"],
                          request["SignatureMethod"]),
                         ("SendSms", "LTAI-test", "云商城", "SMS_200", "HMAC-SHA256"))
        self.assertEqual(request["PhoneNumbers"], "13800000001,13800000002")
        self.assertEqual(json.loads(request["TemplateParam"]), {"name": "王芳"})
        self.assertEqual(FakeGateway.received[1]["PhoneNumbers"], "13800000003")
        self.assertEqual((first.state, first.gateway_message_id), ("sent", "biz-1"))
        self.assertEqual(second.gateway_message_id, "biz-1")
        self.assertEqual(third.gateway_message_id, "biz-2")
        self.assertNotIn(SECRET, first.request_payload)
        self.assertNotIn("Signature", json.loads(first.request_payload))

    def test_refused_number_and_wrong_secret_fail_with_the_reason(self):
        refused = self.queue("+8613800000666", template_code="SMS_201")
        self.env["crm.sms.message"]._cron_send()
        self.assertEqual(refused.state, "failed")
        self.assertEqual(refused.error, "isv.MOBILE_NUMBER_ILLEGAL 非法手机号")
        self.http_gateway.access_key_secret = "wrong"
        wrong = self.queue("+8613800000007")
        self.env["crm.sms.message"]._cron_send()
        self.assertEqual(wrong.state, "failed")
        self.assertIn("SignatureDoesNotMatch", wrong.error)

    def test_unreachable_gateway(self):
        probe = HTTPServer(("127.0.0.1", 0), FakeGateway)
        port = probe.server_port
        probe.server_close()
        gateway = self.http_gateway.copy({"url": "http://127.0.0.1:%d/" % port,
                                          "timeout": 2})
        message = self.queue("+8613800000008", gateway_id=gateway.id)
        self.env["crm.sms.message"]._cron_send()
        self.assertEqual(message.state, "failed")
        self.assertIn("gateway unreachable", message.error)
