"""Every call a client makes on a model passes through one check (issue 13).

Odoo 11 dispatches the web client's ``/web/dataset/call_kw`` and ``call_button``,
XML-RPC and JSON-RPC ``execute_kw`` all through ``odoo.api.call_kw``, which hands
the call to ``call_kw_model`` (methods on the model) or ``call_kw_multi`` (methods
on records). This module wraps those two: before the method runs, the records'
model checks the call (``base._crm_rpc_guard``: read access to the records and to
a wizard's context records, workflow-owned fields, links to records the user may
not see); after it, a ``write`` is checked against the record rules again.

The wrapper is installed once per process when crm_core is imported; a database
without crm_core has no ``_crm_rpc_guard`` on its models, and its calls go through
unchanged.
"""
from odoo import api

_ORIGINAL = {}


def _guarded_call_kw_model(method, self, args, kwargs):
    recs = _with_call_context(method, self, args, kwargs)
    guard = getattr(recs, "_crm_rpc_guard", None)
    if guard is None:
        return _ORIGINAL["model"](method, self, args, kwargs)
    state = guard(method.__name__, *_split(method, args, kwargs))
    result = _ORIGINAL["model"](method, self, args, kwargs)
    recs._crm_rpc_after(method.__name__, state)
    return result


def _guarded_call_kw_multi(method, self, args, kwargs):
    if not args:
        return _ORIGINAL["multi"](method, self, args, kwargs)
    recs = _with_call_context(method, self, args[1:], kwargs)
    if not hasattr(recs, "_crm_rpc_guard"):
        return _ORIGINAL["multi"](method, self, args, kwargs)
    recs = recs.browse(args[0])
    state = recs._crm_rpc_guard(method.__name__, *_split(method, args[1:], kwargs))
    result = _ORIGINAL["multi"](method, self, args, kwargs)
    recs._crm_rpc_after(method.__name__, state)
    return result


def _split(method, args, kwargs):
    """(args, kwargs) of the call without its context, as the method receives them."""
    _context, args, kwargs = api.split_context(method, list(args), dict(kwargs))
    return args, kwargs


def _with_call_context(method, model, args, kwargs):
    context, _args, _kwargs = api.split_context(method, list(args), dict(kwargs))
    # the call's context replaces the model's, as in Odoo's own dispatch
    return model.with_env(model.env(context=context or {}))


def install():
    """Wrap Odoo's dispatch (idempotent)."""
    if _ORIGINAL:
        return
    _ORIGINAL["model"] = api.call_kw_model
    _ORIGINAL["multi"] = api.call_kw_multi
    api.call_kw_model = _guarded_call_kw_model
    api.call_kw_multi = _guarded_call_kw_multi
