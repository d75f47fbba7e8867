"""Validation of the JSON bodies the phone system posts to the routing and IVR
endpoints. Pure functions, no ORM (see lib/): each problem raises ApiError
naming the field, which the controllers answer with 400 and {"error", "field"}.
"""
import json
import re
from datetime import datetime

import pytz

MAX_BODY = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DIGITS = re.compile(r"^[0-9*#]{0,32}$")


class ApiError(Exception):
    """A request the API refuses: ``field`` is the part at fault."""

    def __init__(self, field, message, status=400):
        super(ApiError, self).__init__("%s: %s" % (field, message))
        self.field = field
        self.message = message
        self.status = status


def parse_body(data):
    """The JSON object in ``data`` (bytes)."""
    if len(data) > MAX_BODY:
        raise ApiError("body", "is larger than %d bytes" % MAX_BODY, status=413)
    try:
        payload = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ApiError("body", "is not valid JSON in UTF-8")
    if not isinstance(payload, dict):
        raise ApiError("body", "expected a JSON object")
    return payload


def text(payload, name, required=False, max_length=128):
    """A text field: stripped, without control characters, at most
    ``max_length`` long; None when absent or empty and not required."""
    value = payload.get(name)
    if value is None or value == "":
        if required:
            raise ApiError(name, "is required")
        return None
    if not isinstance(value, str):
        raise ApiError(name, "must be text")
    value = value.strip()
    if not value and required:
        raise ApiError(name, "is required")
    if len(value) > max_length:
        raise ApiError(name, "is longer than %d characters" % max_length)
    if _CONTROL.search(value):
        raise ApiError(name, "contains a control character")
    return value or None


def digits(payload, name="digits"):
    """Keys pressed on the phone: 0-9, * and #, at most 32; "" when absent."""
    value = payload.get(name)
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ApiError(name, "must be text of the keys pressed")
    value = value.strip()
    if not _DIGITS.match(value):
        raise ApiError(name, "only 0-9, * and # can be pressed (at most 32 keys)")
    return value


def timestamp(payload, tz_name="UTC", name="timestamp"):
    """An ISO 8601 time as a naive UTC datetime; a time without an offset is in
    ``tz_name``. None when absent."""
    value = text(payload, name, max_length=40)
    if value is None:
        return None
    candidate = value.replace("Z", "+00:00").replace(" ", "T", 1)
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        raise ApiError(name, "is not an ISO 8601 time such as "
                             "2026-11-22T10:15:00+08:00")
    if moment.tzinfo is None:
        moment = pytz.timezone(tz_name or "UTC").localize(moment)
    moment = moment.astimezone(pytz.utc).replace(tzinfo=None, microsecond=0)
    if not 2000 <= moment.year <= 2100:
        raise ApiError(name, "is not between the years 2000 and 2100")
    return moment


def bearer_token(header):
    """The token of an "Authorization: Bearer <token>" header, or None."""
    if not header:
        return None
    scheme, _sep, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    token = token.strip()
    if len(token) > 256 or _CONTROL.search(token):
        return None
    return token
