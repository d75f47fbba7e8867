"""Routing (ACD) and IVR questions of the phone system.

``POST /crm_callcenter/route`` {"call_id", "queue", "from", "timestamp"}: who takes
the call; answers {"action", "extension", "agent_user_id", "reason", "detail",
"position", "queue"}.

``POST /crm_callcenter/ivr`` {"call_id", "menu", "digits", "from"}: the caller's
next step in the voice menus; answers {"action", "menu"/"queue"/"extension",
"say"}.

Both take ``Authorization: Bearer <token>`` of a telephony connection (the token
of the event API, DESIGN.md 4.3) and plain JSON. Answers: 200 with the JSON
above; 400 {"error", "field"} for bad input, naming the field; 401 for a missing
or wrong token; 409 when a concurrent request is creating the same call (send
again); 413 for a body over 64 KB. Nothing is written unless the answer is 200.
"""
import json
import logging

import psycopg2

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.crm_core.controllers import plain_json

from ..lib import api

_logger = logging.getLogger(__name__)

ROUTE_URL = "/crm_callcenter/route"
IVR_URL = "/crm_callcenter/ivr"
PLAIN_JSON_URLS = (ROUTE_URL, IVR_URL)


# the phone system posts plain JSON, not JSON-RPC (crm_core's registry of such
# addresses, as the event API)
for _url in PLAIN_JSON_URLS:
    plain_json.register_prefix(_url)


def _json(status, payload):
    return http.Response(json.dumps(payload, ensure_ascii=False), status=status,
                         headers=[("Content-Type", "application/json; charset=utf-8"),
                                  ("Cache-Control", "no-store")])


class CallcenterAcdController(http.Controller):

    @http.route(ROUTE_URL, type="http", auth="public", methods=["POST"], csrf=False)
    def route(self, **_kwargs):
        return self._answer(self._route)

    @http.route(IVR_URL, type="http", auth="public", methods=["POST"], csrf=False)
    def ivr(self, **_kwargs):
        return self._answer(self._ivr)

    # --- the common part --------------------------------------------------------------

    def _answer(self, handler):
        connection = self._connection()
        if connection is None:
            return _json(401, {"error": "missing or wrong token"})
        try:
            payload = api.parse_body(request.httprequest.get_data())
            with request.env.cr.savepoint():
                return _json(200, handler(connection, payload))
        except api.ApiError as error:
            return _json(error.status, {"error": str(error), "field": error.field})
        except (UserError, ValidationError) as error:
            _logger.info("Telephony request refused: %s", error)
            return _json(400, {"error": error.name or str(error)})
        except psycopg2.IntegrityError:
            return _json(409, {"error": "call_id: this call is being created by "
                                        "another request; send again",
                               "field": "call_id"})

    def _connection(self):
        """The active connection whose token the request carries, or None."""
        token = api.bearer_token(request.httprequest.headers.get("Authorization"))
        if not token:
            return None
        Connection = request.env["crm.callcenter.connection"]
        # compared in constant time, as the event API does
        connection = Connection.sudo()._authenticate(token)  # sudo: by its token
        if not connection:
            return None
        lang = connection.company_id.partner_id.lang or "en_US"
        return connection.with_context(lang=lang, tracking_disable=True)

    def _call(self, connection, payload):
        call_id = api.text(payload, "call_id", required=True)
        number = api.text(payload, "from", max_length=64)
        at = api.timestamp(payload, connection.timezone)
        stamp = at.strftime("%Y-%m-%d %H:%M:%S") if at else None
        call = connection.env["crm.callcenter.call"]._acd_call_for(
            connection, call_id, number=number, at=stamp)
        return call, stamp

    # --- routing ----------------------------------------------------------------------

    def _route(self, connection, payload):
        code = api.text(payload, "queue", required=True)
        call, stamp = self._call(connection, payload)
        queue = connection.env["crm.callcenter.queue"].search(
            [("connection_id", "=", connection.id), ("code", "=", code)], limit=1)
        if not queue:
            raise api.ApiError("queue", "no queue %r on this phone system" % code)
        if call.answer_date or call.end_date:
            raise api.ApiError("call_id", "this call is already answered or ended")
        return queue._route(call, stamp=stamp)

    # --- IVR --------------------------------------------------------------------------

    def _ivr(self, connection, payload):
        menu = api.text(payload, "menu", max_length=64)
        digits = api.digits(payload)
        call, _stamp = self._call(connection, payload)
        return connection.env["crm.callcenter.ivr.menu"]._ivr_step(
            connection, call, menu, digits)
