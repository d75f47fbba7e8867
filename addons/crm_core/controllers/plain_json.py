"""Addresses that take plain JSON over HTTP, not JSON-RPC.

Odoo 11 hands every ``application/json`` request to its JSON-RPC handler, which
answers 200 with a JSON-RPC envelope, or 400 in HTML, or 500 when the body is JSON
but not an object. A caller posting plain JSON (a website form, a phone system)
needs an ordinary HTTP request instead, which its controller answers with proper
status codes and JSON bodies. An addon registers the address prefixes it serves
that way with ``register_prefix``; every other address is left as it is.
"""
from odoo import http

_PREFIXES = []


def register_prefix(prefix):
    """Serve the addresses starting with ``prefix`` as plain HTTP requests, whatever
    their content type."""
    if prefix not in _PREFIXES:
        _PREFIXES.append(prefix)


def is_plain_json(path):
    return path.startswith(tuple(_PREFIXES))


def _http_request_for_json(get_request):

    def get_request_plain_json(self, httprequest):
        if is_plain_json(httprequest.path):
            return http.HttpRequest(httprequest)
        return get_request(self, httprequest)

    get_request_plain_json.crm_core_plain_json = True
    return get_request_plain_json


if not getattr(http.Root.get_request, "crm_core_plain_json", False):
    http.Root.get_request = _http_request_for_json(http.Root.get_request)
