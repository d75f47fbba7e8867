"""The telephony event API (DESIGN.md 4.3): a phone system posts each call event
as plain JSON to ``POST /crm_callcenter/event`` with ``Authorization: Bearer
<token>``, the token of its telephony connection.

Answers, always JSON: 200 ``{"call_id", "partner_id", "agent_user_id"}`` (a
resent event changes nothing and gets the same answer); 401 for a missing or
wrong token; 403 for an extension that is not the connection's; 400 ``{"error":
"<field>: <problem>", "field": ...}`` for bad input; 405 for another method; 413
for a body over 16 KB; 415 for a body that is not ``application/json``; 503 when
the server could not record it (logged; send it again). Nothing is written unless
the answer is 200.
"""
import json
import logging
import random
import time

from psycopg2 import OperationalError, errorcodes

from odoo import http
from odoo.http import request

from odoo.addons.crm_core.controllers import plain_json

from ..lib.events import EventError, ExtensionRefused, validate
from ..models.crm_callcenter_call_events import ConcurrentEvent

_logger = logging.getLogger(__name__)

PATH = "/crm_callcenter/event"
MAX_BODY = 16 * 1024
MAX_TRIES = 5
RETRY_CODES = (errorcodes.SERIALIZATION_FAILURE, errorcodes.DEADLOCK_DETECTED,
               errorcodes.LOCK_NOT_AVAILABLE)

# the phone system posts plain JSON, not JSON-RPC
plain_json.register_prefix(PATH)


def _json(status, payload, headers=None):
    body = json.dumps(payload, ensure_ascii=False)
    return http.Response(body, status=status, headers=[
        ("Content-Type", "application/json; charset=utf-8"),
        ("Cache-Control", "no-store"),
    ] + (headers or []))


def _error(status, error, headers=None):
    payload = {"error": str(error)}
    if isinstance(error, EventError):
        payload["field"] = error.field
    return _json(status, payload, headers)


def _reject_constant(name):
    raise ValueError("%s is not JSON" % name)


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise EventError(key[:64], "is given more than once")
        seen[key] = value
    return seen


class CallcenterEventController(http.Controller):

    @http.route(PATH, type="http", auth="public", csrf=False)
    def event(self, **kwargs):
        try:
            return self._handle()
        except Exception:
            # a fault of ours: logged with its traceback, answered without it
            _logger.exception("Telephony event could not be recorded")
            request.env.cr.rollback()
            return _json(503, {"error": "the server could not record the event; "
                                        "send it again"})

    def _handle(self):
        httprequest = request.httprequest
        if httprequest.method != "POST":
            return _json(405, {"error": "send events with POST"},
                         [("Allow", "POST")])
        connection = self._authenticate()
        if not connection:
            return _json(401, {"error": "authorization: a valid 'Authorization: "
                                        "Bearer <token>' header is required"},
                         [("WWW-Authenticate", 'Bearer realm="crm_callcenter"')])
        if httprequest.mimetype != "application/json":
            return _json(415, {"error": "body: send Content-Type: "
                                        "application/json", "field": "body"})
        if (httprequest.content_length or 0) > MAX_BODY:
            return _json(413, {"error": "body: larger than %d bytes" % MAX_BODY,
                               "field": "body"})
        try:
            clean = validate(self._payload(httprequest), connection.timezone)
        except EventError as error:
            return _error(400, error)
        return self._receive(connection, clean)

    def _authenticate(self):
        header = request.httprequest.headers.get("Authorization") or ""
        scheme, _sep, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        Connection = request.env["crm.callcenter.connection"]
        return Connection.sudo()._authenticate(token.strip())  # sudo: by its token

    @staticmethod
    def _payload(httprequest):
        data = httprequest.get_data(cache=False)
        if len(data) > MAX_BODY:
            raise EventError("body", "larger than %d bytes" % MAX_BODY)
        try:
            return json.loads(data.decode("utf-8"), parse_constant=_reject_constant,
                              object_pairs_hook=_no_duplicates)
        except EventError:
            raise
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise EventError("body", "is not valid JSON in UTF-8")

    def _receive(self, connection, clean):
        """Record the event in its own transaction, run again from the start when
        a concurrent request on the same call made it fail to serialize."""
        cr = request.env.cr
        for attempt in range(1, MAX_TRIES + 1):
            try:
                Event = request.env["crm.callcenter.event"]
                answer = Event.sudo()._receive(  # sudo: the connection's token
                    connection, clean)
            except ExtensionRefused as error:
                cr.rollback()
                return _error(403, error)
            except (ConcurrentEvent, OperationalError) as error:
                if isinstance(error, OperationalError) and \
                        error.pgcode not in RETRY_CODES:
                    raise
                cr.rollback()
                request.env.clear()
                if attempt == MAX_TRIES:
                    raise
                _logger.info("Telephony event of call %s: concurrent update, try "
                             "%d of %d", clean["call_id"], attempt + 1, MAX_TRIES)
                time.sleep(random.uniform(0, 0.05 * 2 ** attempt))
                continue
            return _json(200, answer)
        return None
