"""What a user may send and read, held in one place for every model (issue 13).

Odoo 11 leaves four doors open that our data scopes and field groups rely on being
shut; this extension of ``base`` shuts them by class, not by case:

1. **Fields with ``groups=``** are refused to other users through every public
   method that reads or compares them, not only ``read``: search domains (an oracle
   even when no value comes back), ``order``, ``read_group`` measures, groupings and
   orderings, ``read_progress_bar``, ``export_data`` columns, ``name_search``
   domains and the sub-fields of an ``onchange``. It applies to the fields our
   addons define, on any model.
2. **Workflow-owned fields** (state, approvals, owner and pool, SLA and audit dates,
   durations, amounts, "done by"), declared once per model in
   ``_crm_guarded_fields = {field: groups}``: ``""`` means only the model's own
   methods set the field; otherwise the comma-separated groups that may set it
   directly (managers). A client's ``create``, ``write``, ``copy``, ``toggle_active``
   and nested one2many/many2many commands that would set one are refused, naming the
   fields, with nothing written; a value equal to the field's default (on create) or
   to the current value (on write) is not a change and passes, so that forms which
   send every field still save. ``default_<field>`` keys in the context never set a
   guarded field. ``load`` (the import of Odoo's web client) refuses the columns too.
   Our own methods are trusted: the check is on what a client sends (see
   ``crm_core/rpc.py``, which calls :meth:`_crm_rpc_guard` for every RPC).
3. **Records one may not read** are refused to every public method called on them
   over RPC, and as the context's active records of a wizard, so that no button,
   dialog or side door (name_get, "why can I see this?") works on them. Values a
   client links to (many2one, many2many ids, in create, write and onchange) must be
   readable too: a follow-up cannot be moved onto another rep's customer, and an
   onchange cannot be used to read a hidden customer's name or e-mail.
4. **Record rules after the write**: Odoo 11 checks them only before; a client's
   ``write`` that leaves a record outside the user's write rules is refused and
   rolled back.

``admin`` (the superuser) bypasses all of it, as it bypasses every rule.

This file holds the declarations, what is guarded, and the RPC boundary (3 and 4);
door 1 is in base_guard_hidden.py, what a client sends (2 and the links of 3) in
base_guard_values.py.
"""
import logging
from datetime import datetime, time, timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import field_paths
from .base_input import InputChecks

_logger = logging.getLogger(__name__)

OUR_ADDONS = frozenset(("crm_core", "crm_service", "crm_callcenter", "crm_analytics"))
# A marker no client can send (RPC contexts are plain JSON/XML data): code that must
# create records with a guarded field taken from the context runs under it.
_WORKFLOW = object()
WORKFLOW_KEY = "crm_workflow"
# Public methods that do their own checks, or that ask about records without reading
# them; every other public method called over RPC on records needs read access.
UNCHECKED_METHODS = frozenset((
    "read", "exists", "check_access_rights", "check_access_rule",
    "check_field_access_rights",
))
# models whose search filters out what the user may not see (the attachments and
# messages of records one cannot read) instead of record rules; read_group's SQL
# would count and group those too
SEARCH_FILTERED_MODELS = frozenset(("ir.attachment", "mail.message"))


class Base(InputChecks, models.AbstractModel):
    _inherit = "base"

    # {field name: "" (only the workflow) or "group xml ids" that may set it}
    _crm_guarded_fields = {}
    # guarded fields a user who may not set them may still give a value of their
    # own: {field: "user"} themselves, {field: "team"} one of their sales teams
    # (both on a new record only), {field: "past"} a date not in the future,
    # {field: "restore"} True (an archived record brought back)
    _crm_guard_own = {}
    # a wizard that acts on context active ids of this model declares it here
    _crm_active_model = None
    # records about customers (customers, leads, orders, tickets, calls...):
    # exporting them needs crm_core.group_crm_export and is logged
    _crm_customer_data = False

    # --- what is ours -----------------------------------------------------------------

    @api.model
    def _crm_touched(self):
        """True when one of our addons defines or extends this model."""
        cls = type(self)
        touched = cls.__dict__.get("_crm_touched_flag")
        if touched is None:
            touched = False
            for klass in cls.__mro__[1:]:
                if klass.__dict__.get("_module") not in OUR_ADDONS:
                    continue
                own = klass.__dict__.get("_name")
                inherit = klass.__dict__.get("_inherit") or ()
                if isinstance(inherit, str):
                    inherit = (inherit,)
                if own == self._name or (own in (None, self._name)
                                         and self._name in inherit):
                    touched = True
                    break
            cls._crm_touched_flag = touched
        return touched

    @api.model
    def _crm_guarded(self):
        """{field: groups} of this model: the stored fields our addons declare
        ``readonly`` (no form lets anyone type them, so only code sets them), and
        what every class of the model declares in ``_crm_guarded_fields`` (``None``
        opens a readonly field to clients again)."""
        cls = type(self)
        guarded = cls.__dict__.get("_crm_guarded_cache")
        if guarded is None:
            guarded = {name: "" for name, field in self._fields.items()
                       if _readonly_by_design(field)}
            for klass in reversed(cls.__mro__):
                guarded.update(klass.__dict__.get("_crm_guarded_fields") or {})
            guarded = {name: groups for name, groups in guarded.items()
                       if name in self._fields and groups is not None}
            cls._crm_guarded_cache = guarded
        return guarded

    def _crm_workflow(self):
        """These records, allowed to take guarded fields from the context."""
        return self.with_context(**{WORKFLOW_KEY: _WORKFLOW})

    def _crm_is_workflow(self):
        return self.env.context.get(WORKFLOW_KEY) is _WORKFLOW

    def _crm_is_su(self):
        return self.env.uid == SUPERUSER_ID

    def _crm_model_name(self):
        """The model's name in the user's language, for messages (an RPC call
        without a context speaks the user's language, as ``_()`` does)."""
        lang = self.env.lang or self.env.user.lang
        return self.env["ir.model"].with_context(lang=lang)._get(self._name).name

    @api.model
    def _crm_may_set(self, name):
        """May the current user set the guarded field ``name`` directly? A related
        field writes its target: it is guarded as the target field is."""
        if self._crm_is_su() or self._crm_is_workflow():
            return True
        groups = self._crm_guarded().get(name)
        if groups is None:
            target = self._crm_related_target(name)
            return target is None or target[0]._crm_may_set(target[1])
        return bool(groups) and self.user_has_groups(groups)

    @api.model
    def _crm_related_target(self, name):
        """(model, field name) a related field ``name`` writes to, or None."""
        field = self._fields.get(name)
        if field is None or not field.related:
            return None
        model = self
        for step in field.related[:-1]:
            step_field = model._fields.get(step)
            if step_field is None or not step_field.relational:
                return None
            model = model.env[step_field.comodel_name]
        if field.related[-1] not in model._fields:
            return None
        return model, field.related[-1]

    @api.model
    def _crm_is_guarded(self, name):
        """Is ``name`` workflow-owned here, itself or as the field it relates to?"""
        if name in self._crm_guarded():
            return True
        target = self._crm_related_target(name)
        return target is not None and target[0]._crm_is_guarded(target[1])

    @api.model
    def _crm_guard_allows(self, name, value, records):
        """Extension point: True when a model accepts ``value`` for its guarded
        field ``name`` from a user who may not set it in general (``records``: the
        records written, empty on create)."""
        kind = self._crm_guard_own_kinds().get(name)
        if kind == "past":
            return _is_past(value)
        if kind == "restore":
            return value is True
        if records or not isinstance(value, int) or isinstance(value, bool):
            return False
        if kind == "user":
            return value == self.env.uid
        if kind == "team":
            return value in self.env.user._crm_team_ids()
        return False

    @api.model
    def _crm_guard_own_kinds(self):
        kinds = {}
        for klass in reversed(type(self).__mro__):
            kinds.update(klass.__dict__.get("_crm_guard_own") or {})
        return kinds

    # --- the RPC boundary (called by crm_core/rpc.py)

    @api.multi
    def _crm_rpc_guard(self, name, args, kwargs):
        """Before a client's call of ``name``; returns what ``_crm_rpc_after``
        needs (or None)."""
        if self._crm_is_su():
            return None
        if self._transient:
            self._crm_check_context_records()
        if self._ids and name not in UNCHECKED_METHODS:
            self._crm_check_readable()
        if name == "name_search":
            # res.partner and others answer name_search without calling super
            self._crm_check_paths(field_paths.domain_paths(
                _argument(args, kwargs, 1, "args")))
        elif name == "create":
            self._crm_check_client_vals(_argument(args, kwargs, 0, "vals"))
        elif name == "write":
            written = []
            self._crm_check_client_vals(_argument(args, kwargs, 0, "vals"), self,
                                        written)
            return written
        elif name == "copy":
            default = _argument(args, kwargs, 0, "default")
            if default:
                self._crm_check_client_vals(default)
        elif name == "toggle_active" and "active" not in self._fields:
            raise UserError(_("%s records cannot be archived or restored.")
                            % self._description)
        elif name == "toggle_active" and self._ids:
            for record in self:
                self._crm_check_client_vals({"active": not record.active}, record)
        return None

    @api.multi
    def _crm_rpc_after(self, name, written):
        """After a client's ``write``: the records are still within the user's write
        rules (Odoo 11 checks them only before)."""
        if name != "write" or self._crm_is_su() or not self._crm_touched():
            return
        for records in [self] + list(written or ()):
            records = records.exists()
            if records:
                records.check_access_rule("write")

    def _crm_check_readable(self):
        if not self._ids:
            return
        try:
            self.check_access_rights("read")
            self.check_access_rule("read")
            if self._name == "ir.attachment":
                # an attachment is as readable as the record it is attached to
                self.check("read")
        except AccessError:
            raise AccessError(_(
                "You may not see this %s record, so you cannot act on it.")
                % self._description)

    @api.model
    def _crm_check_context_records(self):
        """A wizard's context records (active_id/active_ids) must be readable; a
        wizard that declares ``_crm_active_model`` takes them from that model
        whatever ``active_model`` says."""
        context = self.env.context
        ids = context.get("active_ids")
        if not ids and context.get("active_id"):
            ids = [context["active_id"]]
        if not ids:
            return
        model = self._crm_active_model or context.get("active_model")
        if not isinstance(ids, (list, tuple)) or not all(
                isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise UserError(_("The records to act on must be given by their ids."))
        if not isinstance(model, str) or model not in self.env:
            if self._crm_touched():
                raise UserError(_("The records to act on are of an unknown kind."))
            return
        self.env[model].browse(ids).exists()._crm_check_readable()


def _readonly_by_design(field):
    """A stored field one of our addons defines as readonly in every state: code
    sets it, never a form."""
    return (field._module in OUR_ADDONS and field.store and field.readonly
            and not field.states and not field.inverse
            and field.name not in models.MAGIC_COLUMNS)


def _is_past(value):
    """A Date/Datetime string (or nothing) not later than a few minutes from now."""
    if not value:
        return True
    if not isinstance(value, str):
        return False
    try:
        moment = fields.Datetime.from_string(value) if len(value) > 10 \
            else datetime.combine(fields.Date.from_string(value), time.min)
    except ValueError:
        return False
    return moment <= datetime.utcnow() + timedelta(minutes=5)


def _argument(args, kwargs, position, name):
    """The argument of a method call given by position or by name."""
    if len(args) > position:
        return args[position]
    return kwargs.get(name)
