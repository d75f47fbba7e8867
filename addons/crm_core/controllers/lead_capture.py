"""Web-form lead capture (网站表单获客): a company's website posts leads to
``/crm_core/lead/<token>`` (form-encoded or JSON) or embeds the form served by a GET
of the same address.

Answers: 200 ``{"status": "received"}`` (the same for a new lead and for a
duplicate, so that the form does not tell strangers which phones are known); 400
``{"error": ..., "field": ...}`` for bad input; 404 for an unknown form and 401 for
a closed (archived) one; 413 for a body over 64 KB. Nothing is written unless the
answer is 200.
"""
import json
import logging
import re

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..lib.lead_capture import FIELDS, CaptureError, validate
from . import plain_json

_logger = logging.getLogger(__name__)

PREFIX = "/crm_core/lead/"
MAX_BODY = 64 * 1024
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# a website posts plain JSON (or a form), not JSON-RPC
plain_json.register_prefix(PREFIX)


def _json(status, payload):
    body = json.dumps(payload, ensure_ascii=False)
    return http.Response(body, status=status, headers=[
        ("Content-Type", "application/json; charset=utf-8"),
        ("Cache-Control", "no-store"),
    ])


class LeadCaptureController(http.Controller):

    @http.route(PREFIX + "<string:token>", type="http", auth="public",
                methods=["GET", "POST", "OPTIONS"], csrf=False, cors="*")
    def lead_capture(self, token, **kwargs):
        form, error = self._find_form(token)
        if error:
            return error
        if request.httprequest.method == "GET":
            return self._render_form(form, kwargs.get("lang"))
        return self._receive(form)

    def _find_form(self, token):
        """(form, None), or (None, the error response)."""
        if not TOKEN_RE.match(token or ""):
            return None, _json(404, {"error": "unknown form"})
        capture = request.env["crm.lead.capture"]
        forms = capture.sudo().with_context(  # sudo: anonymous; the token authorises
            active_test=False)
        form = forms.search([("token", "=", token)], limit=1)
        if not form:
            return None, _json(404, {"error": "unknown form"})
        if not form.active:
            return None, _json(401, {"error": "this form is closed"})
        return form, None

    def _payload(self):
        """The posted fields as a dict of text, or raise CaptureError."""
        httprequest = request.httprequest
        if (httprequest.content_length or 0) > MAX_BODY:
            raise CaptureError("body", "is larger than %d bytes" % MAX_BODY)
        if httprequest.mimetype == "application/json":
            try:
                payload = json.loads(httprequest.get_data().decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise CaptureError("body", "is not valid JSON in UTF-8")
            if not isinstance(payload, dict):
                raise CaptureError("body", "expected a JSON object of fields")
            return payload
        payload = {}
        for key in httprequest.form.keys():
            values = httprequest.form.getlist(key)
            if len(values) > 1:
                raise CaptureError(key, "is given more than once")
            payload[key] = values[0]
        return payload

    def _receive(self, form):
        try:
            values = validate(self._payload(), form._allowed_fields())
        except CaptureError as error:
            status = 413 if error.message.startswith("is larger") else 400
            return _json(status, {"error": str(error), "field": error.field})
        try:
            with request.env.cr.savepoint():
                lead, created = form._receive(values)
        except (UserError, ValidationError) as error:
            _logger.info("Lead capture form %s refused a post: %s", form.id, error)
            return _json(400, {"error": error.name or str(error)})
        _logger.info("Lead capture form %s: %s lead %s", form.id,
                     "new" if created else "duplicate of", lead.id)
        return _json(200, {"status": "received"})

    def _render_form(self, form, lang):
        langs = request.env["res.lang"].sudo()  # sudo: installed languages, public
        installed = [code for code, _name in langs.get_installed()]
        if lang not in installed:
            lang = request.context.get("lang")
        if lang not in installed:
            lang = "en_US"
        values = {
            "form": form,
            "post_url": PREFIX + form.token,
            "lang": lang.replace("_", "-"),
            "fields": FIELDS,
        }
        views = request.env["ir.ui.view"].sudo().with_context(  # sudo: public page
            lang=lang)
        html = views.render_template("crm_core.lead_capture_page", values)
        return http.Response(html, headers=[
            ("Content-Type", "text/html; charset=utf-8"),
        ])
