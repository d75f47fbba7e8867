"""Every call a client makes on a model passes through one check (issue 13).

Odoo 11 dispatches the web client's ``/web/dataset/call_kw`` and ``call_button``,
XML-RPC and JSON-RPC ``execute_kw`` all through ``odoo.api.call_kw``, which hands
the call to ``call_kw_model`` (methods on the model) or ``call_kw_multi`` (methods
on records). This module wraps those two: before the method runs, the records'
model checks the call (``base._crm_rpc_guard``: read access to the records and to
a wizard's context records, workflow-owned fields, links to records the user may
not see); after it, a ``write`` is checked against the record rules again.

Before the guard, the call's arguments and values are validated for every user,
admin included (``base._crm_rpc_validate``, models/base_input.py); and what still goes
wrong on a client's malformed input deep in Odoo (a value a domain compares with a
column of another type, an unparsable argument) comes back as a clear ``UserError``
rather than a traceback, with the traceback in the server log; what the database
refuses (a required column left empty, an id of no record, an SQL constraint) is a
``ValidationError`` for every caller, as Odoo's HTTP dispatch makes it.
Serialization failures (``OperationalError``) pass through untouched: Odoo retries
those. Its XML-RPC and JSON-RPC dispatch (``service.model.execute``) runs the retry
in the environments of the failed attempt, whose records still wait to be
recomputed on the closed cursor ("Unable to use a closed cursor"): each retry here
starts clean, as the web client's dispatch does, and a call that still conflicts
after Odoo's last try is told so in the user's language, not with a server error.

The wrapper is installed once per process when crm_core is imported; a database
without crm_core has no ``_crm_rpc_guard`` on its models, and its calls go through
unchanged.
"""
import io
import logging
import threading
import xmlrpc.client
from contextlib import closing

import psycopg2

from odoo import _, api, exceptions, http, sql_db
from odoo.exceptions import UserError, ValidationError
from odoo.service import model as service_model
from odoo.service import wsgi_server
from odoo.tools.translate import translate
from werkzeug.wrappers import Response

from .lib.rpc_values import method_name

_logger = logging.getLogger(__name__)
_ORIGINAL = {}
# the client of the XML-RPC call this thread serves (Odoo's ``request`` is only set
# for the routes of odoo.http): its address and user agent, for the login log
_XMLRPC_CLIENT = threading.local()
# what malformed input makes Odoo raise; a bug of ours raises these too, and is
# logged with its traceback either way
INPUT_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError,
                UnicodeError, psycopg2.DataError)


def _guarded_call_kw_model(method, self, args, kwargs):
    recs = _with_call_context(method, self, args, kwargs)
    guard = getattr(recs, "_crm_rpc_guard", None)
    if guard is None:
        return _ORIGINAL["model"](method, self, args, kwargs)
    call_args = _split(method, args, kwargs)
    recs._crm_rpc_validate(method, *call_args)
    state = guard(method_name(method), *call_args)
    result = _answer(recs, method, _ORIGINAL["model"], self, args, kwargs)
    recs._crm_rpc_after(method_name(method), state)
    return result


# The functions below name the records ``self``: Odoo's ``_()`` finds the user's
# language through it.

def _guarded_call_kw(self, name, args, kwargs):
    """``odoo.api.call_kw``: a method the model does not have, or arguments that
    are not a list and a mapping, are a clear error."""
    if not isinstance(name, str) or not callable(getattr(type(self), name, None)):
        raise UserError(_("%(model)s has no method %(method)s.") % {
            "model": self._description, "method": str(name)[:80]})
    if not isinstance(args, (list, tuple)) or not isinstance(kwargs, dict):
        raise UserError(_("%(method)s of %(model)s: the arguments must be a list "
                          "and the keyword arguments a mapping.") % {
                              "method": name, "model": self._description})
    return _ORIGINAL["call_kw"](self, name, list(args), kwargs)


def _guarded_call_kw_multi(method, self, args, kwargs):
    if not hasattr(self, "_crm_rpc_guard"):
        return _ORIGINAL["multi"](method, self, args, kwargs)
    if not args:
        raise UserError(_("%(method)s of %(model)s acts on records: give their "
                          "ids first.") % {"method": method_name(method),
                                           "model": self._description})
    recs = _with_call_context(method, self, args[1:], kwargs)
    if not hasattr(recs, "_crm_rpc_guard"):
        return _ORIGINAL["multi"](method, self, args, kwargs)
    ids = args[0]
    if not _are_ids(ids):
        raise UserError(_("%(method)s of %(model)s: the records must be given by "
                          "their ids.") % {"method": method_name(method),
                                           "model": recs._description})
    recs = recs.browse(ids)
    call_args = _split(method, args[1:], kwargs)
    recs._crm_rpc_validate(method, *call_args)
    state = recs._crm_rpc_guard(method_name(method), *call_args)
    result = _answer(recs, method, _ORIGINAL["multi"], self, args, kwargs)
    recs._crm_rpc_after(method_name(method), state)
    return result


def _are_ids(ids):
    if isinstance(ids, int) and not isinstance(ids, bool):
        return 0 < ids < 2 ** 31
    return isinstance(ids, (list, tuple)) and all(
        isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2 ** 31
        for i in ids)


def _answer(self, method, original, model, args, kwargs):
    # translated before the call: after a database error the transaction is
    # aborted and no translation can be read
    message = _("%(method)s of %(model)s could not use what was sent "
                "(%(reason)s); nothing was saved.")
    single = _("%(method)s of %(model)s acts on one record at a time: give the id "
               "of exactly one.")
    try:
        return original(method, model, args, kwargs)
    except psycopg2.IntegrityError as error:
        # a required column left empty, an id of no record, a unique constraint:
        # the answer Odoo's own dispatch (service.model.check) gives, for every
        # caller of call_kw
        constraint = _sql_constraint_message(self, error)
        if constraint:
            raise ValidationError(constraint)
        _logger.info("%s.%s refused by the database (uid %s): %s", self._name,
                     method_name(method), self.env.uid, _reason(error))
        raise ValidationError(message % {"method": method_name(method),
                                         "model": self._description,
                                         "reason": _reason(error)})
    except INPUT_ERRORS as error:
        if isinstance(error, ValueError) and len(self) != 1 \
                and str(error).startswith("Expected singleton"):
            # a method for one record (ensure_one) called on none or several:
            # the client's call, not a bug
            raise UserError(single % {"method": method_name(method),
                                      "model": self._description})
        _logger.warning("%s.%s refused a malformed call (uid %s)", self._name,
                        method_name(method), self.env.uid, exc_info=True)
        raise UserError(message % {"method": method_name(method),
                                   "model": self._description,
                                   "reason": _reason(error)})


def _sql_constraint_message(self, error):
    """The message of the model's SQL constraint ``error`` violates, in the
    user's language (read with a cursor of its own: the transaction is aborted),
    or None."""
    for key, source in self.pool._sql_error.items():
        if key in (error.pgerror or ""):
            lang = self.env.context.get("lang")
            if not lang:
                return source
            with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as cr:
                return translate(cr, False, "sql_constraint", lang, source) or source
    return None


def _reason(error):
    text = str(error.args[0]) if getattr(error, "args", None) else type(error).__name__
    return text.strip().splitlines()[0][:200] if text.strip() else type(error).__name__


def _split(method, args, kwargs):
    """(args, kwargs) of the call without its context, as the method receives them."""
    _context, args, kwargs = api.split_context(method, list(args), dict(kwargs))
    return args, kwargs


def _with_call_context(method, self, args, kwargs):
    context, _args, _kwargs = api.split_context(method, list(args), dict(kwargs))
    if context and not isinstance(context, dict):
        # a positional argument beyond the method's own is taken for the context
        raise UserError(_(
            "%(method)s of %(model)s cannot be called with these arguments (the "
            "context must be a mapping).") % {"method": method_name(method),
                                              "model": self._description})
    # the call's context replaces the model's, as in Odoo's own dispatch
    return self.with_env(self.env(context=context or {}))


def _xmlrpc_fault(error):
    """XML-RPC faults without tracebacks: Odoo 11 answers a ValidationError and
    any unexpected error with the server's traceback. A ValidationError is a
    warning like a UserError; anything unexpected is logged here, and the client
    is told no more than that it happened."""
    if isinstance(error, exceptions.ValidationError):
        return xmlrpc.client.dumps(xmlrpc.client.Fault(
            wsgi_server.RPC_FAULT_CODE_WARNING, str(error.name)), allow_none=None)
    if not isinstance(error, (exceptions.except_orm, exceptions.AccessDenied,
                              exceptions.RedirectWarning,
                              exceptions.DeferredException)):
        _logger.error("An XML-RPC call failed", exc_info=True)
        return xmlrpc.client.dumps(xmlrpc.client.Fault(
            wsgi_server.RPC_FAULT_CODE_APPLICATION_ERROR,
            "Server error: the request could not be completed (%s); the details "
            "are in the server's log." % type(error).__name__), allow_none=None)
    return _ORIGINAL["xmlrpc_fault"](error)


def client_info():
    """(address, user agent, channel) of the client this thread serves: a route
    of the web server ("web", "jsonrpc"), an XML-RPC call ("xmlrpc"), or nothing
    (a cron, a shell: (None, None, "system"))."""
    from odoo.http import request
    if request:
        httprequest = request.httprequest
        channel = "jsonrpc" if httprequest.path.startswith("/jsonrpc") else "web"
        return (httprequest.environ.get("REMOTE_ADDR"),
                httprequest.environ.get("HTTP_USER_AGENT"), channel)
    environ = getattr(_XMLRPC_CLIENT, "environ", None)
    if environ is not None:
        return (environ.get("REMOTE_ADDR"), environ.get("HTTP_USER_AGENT"),
                "xmlrpc")
    return None, None, "system"


def _wsgi_xmlrpc(environ, start_response):
    """Odoo 11 answers an XML-RPC request it cannot parse (a NUL byte, broken
    XML, no length) with an HTTP 500: a 400 naming the problem instead."""
    if environ.get("REQUEST_METHOD") != "POST" \
            or not environ.get("PATH_INFO", "").startswith("/xmlrpc/"):
        return _ORIGINAL["wsgi_xmlrpc"](environ, start_response)
    _XMLRPC_CLIENT.environ = environ
    try:
        return _checked_xmlrpc(environ, start_response)
    finally:
        _XMLRPC_CLIENT.environ = None


def _checked_xmlrpc(environ, start_response):
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
        data = environ["wsgi.input"].read(length)
        xmlrpc.client.loads(data)
    except Exception as error:  # pylint: disable=broad-except
        _logger.info("Refused a malformed XML-RPC request: %s", error)
        return Response(
            "Bad Request: the body is not a well-formed XML-RPC call (%s).\n"
            % type(error).__name__, status=400,
            mimetype="text/plain")(environ, start_response)
    environ["wsgi.input"] = io.BytesIO(data)
    return _ORIGINAL["wsgi_xmlrpc"](environ, start_response)


def _execute(db, uid, obj, method, *args, **kw):
    """``service.model.execute`` whose retries start from clean environments."""
    attempts = []

    def attempt(dbname, *a, **k):
        if attempts:
            # what the web client's dispatch does before its retry
            # (http.WebRequest._call_function): forget the failed attempt's cache
            # and pending recomputations, which belong to its closed cursor
            environments = getattr(api.Environment._local, "environments", None)
            if environments is not None:
                environments.cache.invalidate()
                environments.todo.clear()
        attempts.append(dbname)
        return _ORIGINAL["execute_raw"](dbname, *a, **k)
    try:
        result = service_model.check(attempt)(db, uid, obj, method, *args, **kw)
    except psycopg2.OperationalError as error:
        if error.pgcode not in service_model.PG_CONCURRENCY_ERRORS_TO_RETRY:
            raise
        _logger.info("%s.%s still conflicted after %d tries (uid %s)", obj,
                     method, len(attempts), uid)
        raise UserError(_busy_message(db, uid, kw.get("context")))
    # XML-RPC cannot send None: a method that returns nothing answers False
    return False if result is None else result


def _call_function(self, *args, **kwargs):
    """The web client's routes (``http.WebRequest._call_function``): a call that
    still conflicts after Odoo's last retry is a message, not a server error."""
    try:
        return _ORIGINAL["call_function"](self, *args, **kwargs)
    except psycopg2.OperationalError as error:
        if not self.db or \
                error.pgcode not in service_model.PG_CONCURRENCY_ERRORS_TO_RETRY:
            raise
        _logger.info("%s still conflicted after Odoo's retries (uid %s)",
                     self.httprequest.path, self.uid)
        # the call's context (/web/dataset/call_kw carries it in its kwargs; JSON
        # routes' own "context" parameter is the request's)
        context = (kwargs.get("kwargs") or {}).get("context") or self.context
        raise UserError(_busy_message(self.db, self.uid, context))


def _json_response(self, result=None, error=None):
    """JSON-RPC errors without tracebacks: Odoo 11 sends the server's traceback
    with every error (the web client shows it for unexpected ones). To clients of
    the /jsonrpc API, as over XML-RPC, an error says what the user may know; an
    unexpected one is logged (Odoo's handler did) and named only by its type."""
    if error is not None and self.httprequest.path.startswith("/jsonrpc"):
        data = error.get("data")
        if isinstance(data, dict):
            data["debug"] = ""
            if data.get("exception_type") == "internal_error":
                kind = data.get("name", "").rsplit(".", 1)[-1]
                data["message"] = (
                    "Server error: the request could not be completed (%s); the "
                    "details are in the server's log." % kind)
                data["arguments"] = [data["message"]]
    return _ORIGINAL["json_response"](self, result=result, error=error)


def _busy_message(dbname, uid, context):
    """The message for a call that kept conflicting with others, in the caller's
    language (read on a cursor of its own: the request's is gone)."""
    with closing(sql_db.db_connect(dbname).cursor()) as cr:
        context = dict(context or {})
        if not context.get("lang") and uid:
            context["lang"] = api.Environment(cr, uid, {})["res.users"].browse(
                uid).lang
        return _("Others changed the same records at the same moment, again and "
                 "again; nothing was saved. Try again.")


def install():
    """Wrap Odoo's dispatch (idempotent)."""
    if _ORIGINAL:
        return
    _ORIGINAL["json_response"] = http.JsonRequest._json_response
    http.JsonRequest._json_response = _json_response
    _ORIGINAL["call_function"] = http.WebRequest._call_function
    http.WebRequest._call_function = _call_function
    _ORIGINAL["execute"] = service_model.execute
    _ORIGINAL["execute_raw"] = service_model.execute.__wrapped__
    service_model.execute = _execute
    _ORIGINAL["wsgi_xmlrpc"] = wsgi_server.wsgi_xmlrpc
    wsgi_server.wsgi_xmlrpc = _wsgi_xmlrpc
    _ORIGINAL["xmlrpc_fault"] = wsgi_server.xmlrpc_handle_exception_int
    wsgi_server.xmlrpc_handle_exception_int = _xmlrpc_fault
    _ORIGINAL["model"] = api.call_kw_model
    _ORIGINAL["multi"] = api.call_kw_multi
    _ORIGINAL["call_kw"] = api.call_kw
    api.call_kw_model = _guarded_call_kw_model
    api.call_kw_multi = _guarded_call_kw_multi
    api.call_kw = _guarded_call_kw
    # the web client's /web/dataset/call_kw imported call_kw by name
    from odoo.addons.web.controllers import main as web_main
    web_main.call_kw = _guarded_call_kw
