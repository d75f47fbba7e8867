"""Signed requests and callbacks of Chinese SMS gateways (no database).

The shape is Aliyun's (dysmsapi ``SendSms``), which Tencent Cloud and most
resellers copy: the request is form-encoded with the access key id, the sign name
(签名), the template code and the template's parameters as JSON; it is signed with
the access key secret by HMAC over the sorted, percent-encoded parameters; the
answer is JSON with a ``Code`` ("OK" when accepted) and a ``BizId`` that the
gateway's delivery reports (回执) quote again. Inbound messages (上行) arrive as
JSON too.
"""
import base64
import datetime
import hashlib
import hmac
import json
import re
import unicodedata
import urllib.parse
import uuid

SIGNATURE_METHODS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
# Replies that mean "stop sending me marketing" (退订), after normalization.
OPT_OUT_WORDS = {"TD", "T", "退订", "STOP", "UNSUBSCRIBE", "取消订阅"}
# How many numbers one SendSms request may carry.
MAX_NUMBERS = 1000


class GatewayError(ValueError):
    """A callback payload that cannot be used: ``field`` names what is wrong."""

    def __init__(self, field, message):
        super(GatewayError, self).__init__("%s: %s" % (field, message))
        self.field = field
        self.message = message


def percent_encode(value):
    """RFC 3986 percent-encoding as the gateways sign it: only letters, digits
    and "-_.~" stay; a space is %20, "*" is %2A, "~" stays."""
    return urllib.parse.quote(str(value), safe="-_.~")


def canonical_query(params):
    """The sorted, percent-encoded query the signature covers (no Signature)."""
    return "&".join("%s=%s" % (percent_encode(key), percent_encode(params[key]))
                    for key in sorted(params) if key != "Signature")


def string_to_sign(params, http_method="POST"):
    return "%s&%s&%s" % (http_method, percent_encode("/"),
                         percent_encode(canonical_query(params)))


def sign(params, secret, method="HMAC-SHA1", http_method="POST"):
    """The Base64 HMAC of the canonical request with ``secret`` + "&" as key."""
    if method not in SIGNATURE_METHODS:
        raise ValueError("unknown signature method %r" % method)
    digest = hmac.new((secret + "&").encode("utf-8"),
                      string_to_sign(params, http_method).encode("utf-8"),
                      SIGNATURE_METHODS[method]).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(params, secret, http_method="POST"):
    """True when ``params`` carry the right Signature for ``secret``."""
    method = params.get("SignatureMethod", "HMAC-SHA1")
    if method not in SIGNATURE_METHODS or "Signature" not in params:
        return False
    return hmac.compare_digest(sign(params, secret, method, http_method),
                               params["Signature"])


def gateway_number(e164):
    """The number as the gateway wants it: national for China, else the
    digits with their country code."""
    if e164.startswith("+86"):
        return e164[3:]
    return e164.lstrip("+")


def send_request(access_key_id, secret, numbers, sign_name, template_code,
                 template_params, method="HMAC-SHA1", region="cn-hangzhou",
                 version="2017-05-25", out_id=None, timestamp=None, nonce=None):
    """The signed form parameters of one SendSms request to ``numbers`` (E.164;
    at most MAX_NUMBERS) with the same template and parameters."""
    if not numbers:
        raise ValueError("no number to send to")
    if len(numbers) > MAX_NUMBERS:
        raise ValueError("at most %d numbers per request" % MAX_NUMBERS)
    moment = timestamp or datetime.datetime.utcnow()
    params = {
        "AccessKeyId": access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": ",".join(gateway_number(n) for n in numbers),
        "RegionId": region,
        "SignName": sign_name,
        "SignatureMethod": method,
        "SignatureNonce": nonce or uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "TemplateCode": template_code,
        "TemplateParam": json.dumps(template_params or {}, ensure_ascii=False,
                                    sort_keys=True),
        "Timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": version,
    }
    if out_id:
        params["OutId"] = str(out_id)
    params["Signature"] = sign(params, secret, method)
    return params


def parse_send_response(status, body):
    """(accepted, gateway message id, error text) from the HTTP status and body
    of a SendSms answer."""
    try:
        data = json.loads(body) if isinstance(body, str) else json.loads(
            body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False, None, "HTTP %s: the gateway's answer is not JSON" % status
    if not isinstance(data, dict):
        return False, None, "HTTP %s: unexpected answer %r" % (status, data)
    code = str(data.get("Code") or data.get("code") or "")
    if status == 200 and code.upper() == "OK" and data.get("BizId"):
        return True, str(data["BizId"]), None
    message = data.get("Message") or data.get("message") or ""
    return False, None, "%s %s" % (code or "HTTP %s" % status, message)


def _items(payload):
    """A callback body is one object or a list of them."""
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list) or not payload:
        raise GatewayError("body", "expected a JSON object or a list of objects")
    if len(payload) > 1000:
        raise GatewayError("body", "more than 1000 items")
    for index, item in enumerate(payload):
        if not isinstance(item, dict):
            raise GatewayError("body[%d]" % index, "is not an object")
    return payload


def _text(item, index, key, required=True, size=512):
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise GatewayError("%s[%d]" % (key, index), "is required")
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise GatewayError("%s[%d]" % (key, index), "must be text")
    value = str(value).strip()
    if len(value) > size:
        raise GatewayError("%s[%d]" % (key, index), "is longer than %d" % size)
    return value


def parse_reports(payload):
    """Delivery reports as [{"message_id", "number", "delivered", "code",
    "error", "time"}]; raises GatewayError naming the bad field."""
    reports = []
    for index, item in enumerate(_items(payload)):
        success = item.get("success")
        if not isinstance(success, bool):
            raise GatewayError("success[%d]" % index, "must be true or false")
        reports.append({
            "message_id": _text(item, index, "biz_id", size=64),
            "number": _text(item, index, "phone_number", size=32),
            "delivered": success,
            "code": _text(item, index, "err_code", required=False, size=64),
            "error": _text(item, index, "err_msg", required=False),
            "time": _text(item, index, "report_time", required=False, size=32),
        })
    return reports


def parse_replies(payload):
    """Inbound messages as [{"number", "content", "time", "reference"}]; the
    reference (the gateway's sequence id) makes a repeated callback harmless."""
    replies = []
    for index, item in enumerate(_items(payload)):
        replies.append({
            "number": _text(item, index, "phone_number", size=32),
            "content": _text(item, index, "content", size=1024),
            "time": _text(item, index, "send_time", required=False, size=32),
            "reference": _text(item, index, "sequence_id", size=64),
        })
    return replies


def is_opt_out(content):
    """True for a reply that asks to stop (TD, T, 退订...), whatever the case,
    width, spaces and punctuation around it."""
    text = unicodedata.normalize("NFKC", content or "").upper()
    text = re.sub(r"[\s\W_]+", "", text)
    return text in OPT_OUT_WORDS


def chunks(items, size):
    """``items`` in lists of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
