"""Callbacks of SMS gateways (B4): delivery reports (回执) are posted to
``/crm_core/sms/report/<token>`` and inbound messages (上行) to
``/crm_core/sms/reply/<token>``, as plain JSON (one object or a list), the token
being the gateway's callback token.

Answers: 200 ``{"code": 0, "msg": "成功"}`` (what Aliyun-style gateways expect)
with how many items changed something; 400 ``{"error": ..., "field": ...}`` for
a body that cannot be used (nothing is written); 404 for an unknown token; 413
for a body over 1 MB. A repeated callback changes nothing the second time.
"""
import json
import logging
import re

from odoo import http
from odoo.http import request

from ..lib.sms_sign import GatewayError, parse_replies, parse_reports
from . import plain_json

_logger = logging.getLogger(__name__)

PREFIX = "/crm_core/sms/"
MAX_BODY = 1024 * 1024
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


# a gateway posting plain JSON here gets an ordinary HTTP request, not Odoo's
# JSON-RPC handling
plain_json.register_prefix(PREFIX)


def _json(status, payload):
    return http.Response(json.dumps(payload, ensure_ascii=False), status=status,
                         headers=[("Content-Type", "application/json; charset=utf-8"),
                                  ("Cache-Control", "no-store")])


class SmsGatewayController(http.Controller):

    @http.route(PREFIX + "report/<string:token>", type="http", auth="public",
                methods=["POST"], csrf=False)
    def sms_report(self, token, **kwargs):
        return self._handle(token, parse_reports, "_apply_reports")

    @http.route(PREFIX + "reply/<string:token>", type="http", auth="public",
                methods=["POST"], csrf=False)
    def sms_reply(self, token, **kwargs):
        return self._handle(token, parse_replies, "_receive_replies")

    def _handle(self, token, parse, method):
        gateway = None
        if TOKEN_RE.match(token or ""):
            gateways = request.env["crm.sms.gateway"].with_context(active_test=False)
            gateways = gateways.sudo()  # sudo: the token authorises
            gateway = gateways.search([("callback_token", "=", token)], limit=1)
        if not gateway:
            return _json(404, {"error": "unknown gateway"})
        httprequest = request.httprequest
        if (httprequest.content_length or 0) > MAX_BODY:
            return _json(413, {"error": "body: larger than %d bytes" % MAX_BODY,
                               "field": "body"})
        try:
            try:
                payload = json.loads(httprequest.get_data().decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise GatewayError("body", "is not valid JSON in UTF-8")
            items = parse(payload)
        except GatewayError as error:
            return _json(400, {"error": str(error), "field": error.field})
        messages = request.env["crm.sms.message"].sudo()  # sudo: the token authorises
        Message = messages.with_context(lang="en_US")
        result = getattr(Message, method)(gateway, items)
        changed = result if isinstance(result, int) else len(result)
        _logger.info("SMS gateway %s: %s with %d items, %d changed", gateway.id,
                     method, len(items), changed)
        return _json(200, {"code": 0, "msg": "成功", "changed": changed})
