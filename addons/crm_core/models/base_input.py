"""Bad input gets a clear error that names the problem, and nothing is written
(issue 13, OWASP ASVS V5/V7).

Every client call passes through ``crm_core/rpc.py``, which asks the called model
:meth:`_crm_rpc_validate` before the method runs, for every user (admin included):

- the arguments must fit the method's signature (a wrong arity is a clear error, not
  a ``TypeError`` traceback), and be of the kind the method takes (a domain that is
  a list, field names that are text, a limit that is a number...):
  ``ARGUMENT_KINDS`` for Odoo's own public methods, ``_crm_rpc_arguments`` declared
  by a model for its own;
- the values of ``create``, ``write``, ``copy`` and ``onchange`` must fit their
  fields (``lib/rpc_values.py``): text without NUL bytes and of a sane length, numbers
  that are numbers and finite, a selection key the field offers, dates that parse,
  record ids that are ids, well-formed one2many/many2many commands (checked on their
  own model), images PIL can read, and, for ``create``, ``write`` and ``copy``, no
  field the model does not have and no required field left empty.

What is refused raises a ``ValidationError`` naming the field and the problem, in the
user's language, before anything is written. What passes is then handed to the
method in the type its field holds (a number sent as text as a number, an
``(id, name)`` pair as the id): the models' own checks compare numbers with
numbers, whoever the client.
"""
import inspect

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError

from ..lib import rpc_values

# methods that take a list of field names to read: (position, keyword)
FIELD_LIST_METHODS = {"read": (0, "fields"), "search_read": (1, "fields")}
VALUE_METHODS = {"create": (0, "vals"), "write": (0, "vals"),
                 "copy": (0, "default"), "onchange": (0, "values")}
# the kind (rpc_values.argument_problem; "!": needed) of each argument of Odoo's
# public methods a client calls; a model adds its own methods' in ``_crm_rpc_arguments``
ARGUMENT_KINDS = {
    "search": {"args": "domain!", "offset": "integer", "limit": "integer",
               "order": "text", "count": "boolean"},
    "search_count": {"args": "domain!"},
    "search_read": {"domain": "domain", "fields": "names", "offset": "integer",
                    "limit": "integer", "order": "text"},
    "name_search": {"name": "text", "args": "domain", "operator": "text",
                    "limit": "integer"},
    "name_create": {"name": "text"},
    "read": {"fields": "names", "load": "text"},
    "read_group": {"domain": "domain!", "fields": "names", "groupby": "groupby",
                   "offset": "integer", "limit": "integer", "orderby": "text",
                   "lazy": "boolean"},
    "read_progress_bar": {"domain": "domain", "group_by": "text!",
                          "progress_bar": "mapping!"},
    "export_data": {"fields_to_export": "names!", "raw_data": "boolean"},
    "load": {"fields": "names!", "data": "rows!"},
    "onchange": {"field_name": "groupby", "field_onchange": "mapping"},
    "copy_data": {"default": "mapping"},
    "default_get": {"fields_list": "names"},
    "fields_get": {"allfields": "names", "attributes": "names"},
    "message_new": {"msg_dict": "mapping!", "custom_values": "mapping"},
    "message_update": {"msg_dict": "mapping!", "update_vals": "mapping"},
}


class InputChecks(object):
    """Mixed into ``base`` by models/base_guard.py (one extension of ``base``)."""

    @api.model
    def _crm_rpc_validate(self, method, args, kwargs):
        """Refuse a client's call of ``method`` with arguments it cannot take or
        values its fields cannot hold."""
        name = rpc_values.method_name(method)
        bound = _check_signature(self, method, args, kwargs)
        if bound is not None:
            self._crm_check_arguments(name, bound)
        if name in FIELD_LIST_METHODS:
            position, keyword = FIELD_LIST_METHODS[name]
            self._crm_check_field_names(
                args[position] if len(args) > position else kwargs.get(keyword))
        if name not in VALUE_METHODS:
            return
        position, keyword = VALUE_METHODS[name]
        vals = args[position] if len(args) > position else kwargs.get(keyword)
        if name == "copy" and not vals:
            return
        if not isinstance(vals, dict):
            raise ValidationError(_(
                "%(model)s: the values to save must be a mapping of field names "
                "to values; nothing was saved.") % {"model": self._description})
        message = self._crm_vals_problem(vals, strict=name != "onchange")
        if message:
            raise ValidationError(message)
        self._crm_normalize_vals(vals)

    @api.model
    def _crm_normalize_vals(self, vals):
        """Checked values in the type of their field, in place: "12.5" in a
        number field as 12.5, an empty one (None) as 0, [id, name] in a many2one
        as the id."""
        for key, value in vals.items():
            field = self._fields.get(key) if isinstance(key, str) else None
            if field is not None:
                vals[key] = rpc_values.normalized(field.type, value)

    @api.model
    def _crm_check_arguments(self, name, bound):
        """Refuse an argument of a kind ``name`` does not take, naming it."""
        kinds = dict(ARGUMENT_KINDS.get(name, ()))
        kinds.update(getattr(self, "_crm_rpc_arguments", {}).get(name, ()))
        for parameter, kind in kinds.items():
            if parameter not in bound.arguments:
                continue
            problem = rpc_values.argument_problem(kind, bound.arguments[parameter])
            if problem:
                raise UserError(_(
                    "%(method)s of %(model)s: %(argument)s %(reason)s.") % {
                        "method": name, "model": self._description,
                        "argument": parameter,
                        "reason": self._crm_argument_reasons()[problem]})

    @api.model
    def _crm_argument_reasons(self):
        return {
            "domain": _("must be a search domain (a list of conditions)"),
            "names": _("must be a list of field names"),
            "groupby": _("must be a field name or a list of field names"),
            "integer": _("must be a whole number"),
            "text": _("must be text without NUL characters"),
            "boolean": _("must be true or false"),
            "mapping": _("must be a mapping of names to values"),
            "rows": _("must be a list of rows (lists of values)"),
            "datetime": _("must be a date and time (YYYY-MM-DD HH:MM:SS)"),
            "record": _("must be the id of a record"),
        }

    @api.model
    def _crm_records(self, model, value):
        """Records of ``model``: ``value`` as our methods get it (records) or as
        a client sends it (an id, a list of ids; checked by the kind "record")."""
        if isinstance(value, models.BaseModel):
            return value
        if not value:
            return self.env[model]
        return self.env[model].browse(value)

    @api.model
    def _crm_check_field_names(self, names):
        """A list of fields to read names fields of the model (Odoo 11 answers
        unknown names with the bare ids, even of records one may not read)."""
        if not names:
            return
        if not isinstance(names, (list, tuple)) or not all(
                isinstance(name, str) for name in names):
            raise UserError(_("%(model)s: the fields to read must be a list of "
                              "field names.") % {"model": self._description})
        unknown = [name for name in names if name not in self._fields]
        if unknown:
            raise UserError(_("%(model)s has no field %(field)s.") % {
                "model": self._description, "field": unknown[0][:80]})

    @api.model
    def _crm_vals_problem(self, vals, strict=True):
        """The message for the first value of ``vals`` its field cannot take, or
        None. ``strict``: names that are no field of the model are refused too."""
        for key, value in vals.items():
            field = self._fields.get(key) if isinstance(key, str) else None
            if field is None:
                if strict:
                    return _("%(model)s has no field %(field)s; nothing was "
                             "saved.") % {"model": self._description,
                                          "field": str(key)[:80]}
                continue
            problem = self._crm_value_problem(field, value, strict)
            if problem:
                return self._crm_problem_message(field, problem)
        return None

    @api.model
    def _crm_value_problem(self, field, value, strict):
        kind = field.type
        if strict and field.required and kind != "boolean" and (
                value is False or value is None):
            return ("required", None)
        if kind == "char":
            limit = field.size or (rpc_values.INDEXED_CHAR_LIMIT if field.index
                                   else rpc_values.CHAR_LIMIT)
            return rpc_values.text_problem(value, limit)
        if kind in ("text", "html"):
            return rpc_values.text_problem(value, rpc_values.TEXT_LIMIT)
        if kind == "integer":
            return rpc_values.integer_problem(value)
        if kind in ("float", "monetary"):
            return rpc_values.float_problem(value)
        if kind == "selection":
            try:
                keys = field.get_values(self.env)
            except Exception:  # pylint: disable=broad-except
                return None  # a selection computed from a record: the ORM decides
            return rpc_values.selection_problem(value, keys)
        if kind in ("date", "datetime"):
            return rpc_values.date_problem(value, kind == "datetime")
        if kind == "many2one":
            return rpc_values.many2one_problem(value)
        if kind in ("one2many", "many2many"):
            comodel = self.env[field.comodel_name]

            def nested(nested_vals):
                message = comodel._crm_vals_problem(nested_vals, strict)
                return ("nested", message) if message else None
            return rpc_values.x2many_problem(value, nested,
                                             ids=kind == "many2many")
        if kind == "binary":
            if field.name.startswith("image"):
                return rpc_values.image_problem(value)
            return rpc_values.binary_problem(value)
        if kind == "reference":
            return rpc_values.text_problem(value, rpc_values.INDEXED_CHAR_LIMIT)
        return None

    @api.model
    def _crm_problem_message(self, field, problem):
        kind, detail = problem
        if kind == "nested":
            return detail
        label = field.get_description(self.env)["string"]
        reasons = {
            "nul": _("contains a NUL character"),
            "text": _("must be text"),
            "number": _("must be a number"),
            "integer": _("must be a whole number"),
            "range": _("must lie between -%(limit)s and %(limit)s") % {
                "limit": "%g" % detail if isinstance(detail, float) else detail},
            "long": _("is longer than %s characters") % detail,
            "choice": _("must be one of: %s") % detail,
            "date": _("must be a date (YYYY-MM-DD)"),
            "datetime": _("must be a date and time (YYYY-MM-DD HH:MM:SS)"),
            "record": _("must be the id of a record"),
            "records": _("must be a list of record ids"),
            "commands": _("must be a list of ids or of one2many/many2many commands"),
            "binary": _("must be base64-encoded content"),
            "required": _("is required"),
            "image": _("must be a base64-encoded image (PNG, JPEG or GIF)"),
        }
        return _("%(field)s of %(model)s %(reason)s; nothing was saved.") % {
            "field": label, "model": self._description, "reason": reasons[kind]}


def _check_signature(model, method, args, kwargs):
    """Refuse arguments ``method`` cannot be called with (the records or model
    stand for ``self``)."""
    try:
        signature = inspect.signature(method)
    except (TypeError, ValueError):
        return None
    try:
        return signature.bind(model, *args, **kwargs)
    except TypeError as error:
        raise UserError(_(
            "%(method)s of %(model)s cannot be called with these arguments "
            "(%(reason)s).") % {"method": rpc_values.method_name(method),
                                "model": model._description,
                                "reason": str(error)})
