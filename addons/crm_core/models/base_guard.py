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
WRITE_COMMANDS = (0, 1)
LINK_COMMANDS = (4, 6)


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

    # --- 1. fields with groups=

    @api.model
    def _crm_check_paths(self, paths):
        """Refuse a request naming a field (or a field on the way to one) that our
        addons restrict to groups the user is not in."""
        if self._crm_is_su():
            return
        for path in paths:
            model = self
            for name in path.split("."):
                field = model._fields.get(name)
                if field is None:
                    break
                if field.groups and field._module in OUR_ADDONS \
                        and not model.user_has_groups(field.groups):
                    raise AccessError(_(
                        "You may not read or search the field %(field)s of "
                        "%(model)s.") % {
                            "field": field.get_description(model.env)["string"],
                            "model": model._description})
                if not field.relational:
                    break
                model = model.env[field.comodel_name]

    @api.model
    def search(self, args, offset=0, limit=None, order=None, count=False):
        self._crm_check_paths(field_paths.domain_paths(args)
                              + field_paths.order_names(order))
        return super(Base, self).search(args, offset=offset, limit=limit,
                                        order=order, count=count)

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        self._crm_check_paths(field_paths.domain_paths(args))
        return super(Base, self).name_search(name=name, args=args, operator=operator,
                                             limit=limit)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None,
                   orderby=False, lazy=True):
        self._crm_check_paths(
            field_paths.domain_paths(domain) + field_paths.aggregate_names(fields)
            + field_paths.groupby_names(groupby) + field_paths.order_names(orderby))
        if self._name in SEARCH_FILTERED_MODELS and not self._crm_is_su():
            # their access is checked by search, which read_group's SQL skips
            domain = [("id", "in", self.search(domain or []).ids)]
        return super(Base, self).read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby,
            lazy=lazy)

    @api.model
    def read_progress_bar(self, domain, group_by, progress_bar):
        field = progress_bar.get("field") if isinstance(progress_bar, dict) else None
        summed = progress_bar.get("sum_field") if isinstance(progress_bar, dict) \
            else None
        self._crm_check_paths(
            field_paths.domain_paths(domain) + field_paths.groupby_names(group_by)
            + [name for name in (field, summed) if isinstance(name, str)])
        return super(Base, self).read_progress_bar(domain, group_by, progress_bar)

    @api.multi
    def export_data(self, fields_to_export, raw_data=False):
        self._crm_check_paths(field_paths.export_paths(fields_to_export))
        # customer data: exporting it is a right of its own, and every export is
        # logged in the audit trail
        audited = any(klass.__dict__.get("_crm_customer_data")
                      for klass in type(self).__mro__)
        if audited and not self._crm_is_su() \
                and not self.user_has_groups("crm_core.group_crm_export"):
            raise AccessError(_(
                "Exporting %s needs the right to export customer data; ask your "
                "CRM administrator.") % self._crm_model_name())
        result = super(Base, self).export_data(fields_to_export, raw_data=raw_data)
        if audited and self:
            self.env["auditlog.rule"]._crm_log_export(
                self, [str(name) for name in fields_to_export or ()])
        return result

    @api.multi
    def onchange(self, values, field_name, field_onchange):
        if not self._crm_is_su():
            if isinstance(field_onchange, dict):
                self._crm_check_paths(list(field_onchange))
            if isinstance(values, dict) and self._crm_touched():
                self._crm_check_links(values, self.exists(), nested_vals=False)
        return super(Base, self).onchange(values, field_name, field_onchange)

    # --- 2. workflow-owned fields and 3. links, on what a client sends

    @api.model
    def _crm_check_client_vals(self, vals, records=None, written=None):
        """Refuse ``vals`` from a client for ``records`` (empty: a new record) when
        they set a guarded field the user may not set, or link to records the user
        cannot read; nested one2many/many2many commands are checked on their own
        model. ``written`` collects the records a nested command updates, for the
        rule check after the write."""
        if not isinstance(vals, dict) or self._crm_is_su():
            return
        records = records if records is not None else self.browse()
        if not self._crm_touched():
            return
        refused = []
        defaults = {}
        if not records:
            names = [name for name in vals if self._crm_is_guarded(name)
                     and not self._crm_may_set(name)]
            if names:
                defaults = self._crm_trusted_defaults(names)
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None:
                continue
            if self._crm_is_guarded(name) and not self._crm_may_set(name) \
                    and not self._crm_unchanged(field, value, records, defaults) \
                    and not self._crm_guard_allows(name, value, records):
                refused.append(field.get_description(self.env)["string"])
        if refused:
            raise AccessError(_(
                "%(fields)s of %(model)s change only through its buttons and "
                "workflow, or by a manager; nothing was saved.") % {
                    "fields": ", ".join(sorted(refused)),
                    "model": self._description})
        self._crm_check_links(vals, records, written)

    @api.model
    def _crm_trusted_defaults(self, names):
        """The defaults of ``names`` that no client chose: without the context's
        ``default_*`` keys."""
        context = {key: value for key, value in self.env.context.items()
                   if not key.startswith("default_")}
        # a context without those keys (with_context(**) would keep them)
        return self.with_env(self.env(context=context)).default_get(names)

    @api.model
    def _crm_unchanged(self, field, value, records, defaults):
        """Is ``value`` what the field holds already (every record of ``records``),
        or its default on a new record?"""
        if field.type in ("one2many", "many2many"):
            return not value
        if not records:
            current = defaults.get(field.name)
            return self._crm_same(field, current, value)
        return all(self._crm_same(field, record[field.name], value)
                   for record in records)

    @api.model
    def _crm_same(self, field, current, value):
        if field.type == "many2one":
            current = current.id if isinstance(current, models.BaseModel) else current
            if isinstance(value, (list, tuple)) and value:
                value = value[0]
        if not current and not value:
            return True
        if field.type in ("float", "monetary") and current is not None \
                and isinstance(value, (int, float)):
            return abs(float(current) - float(value)) < 1e-9
        return current == value

    @api.model
    def _crm_check_links(self, vals, records, written=None, nested_vals=True):
        """Every record ``vals`` links to is readable by the user, unless the field
        already holds it. Nested create/update commands are checked on their model:
        as values a client sends (``nested_vals``), or for their links only (an
        onchange, which writes nothing)."""
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None or not field.relational or not value:
                continue
            comodel = self.env[field.comodel_name]
            if field.type == "many2one":
                target = value[0] if isinstance(value, (list, tuple)) and value \
                    else value
                if not isinstance(target, int) or isinstance(target, bool):
                    continue
                if records and all(record[name].id == target for record in records):
                    continue
                self._crm_check_readable_link(field, comodel.browse(target))
                continue
            if not isinstance(value, (list, tuple)):
                continue
            for command in value:
                if not isinstance(command, (list, tuple)) or not command:
                    continue
                code = command[0]
                if code == 0 and len(command) > 2:
                    if nested_vals:
                        comodel._crm_check_client_vals(command[2], written=written)
                    elif isinstance(command[2], dict):
                        comodel._crm_check_links(command[2], comodel.browse(),
                                                 nested_vals=False)
                elif code == 1 and len(command) > 2 \
                        and isinstance(command[1], int):
                    target = comodel.browse(command[1])
                    self._crm_check_readable_link(field, target)
                    if nested_vals:
                        comodel._crm_check_client_vals(command[2], target, written)
                    elif isinstance(command[2], dict):
                        comodel._crm_check_links(command[2], target.exists(),
                                                 nested_vals=False)
                    if written is not None:
                        written.append(target)
                elif code == 4 and len(command) > 1 and isinstance(command[1], int):
                    self._crm_check_readable_link(field, comodel.browse(command[1]))
                elif code == 6 and len(command) > 2 \
                        and isinstance(command[2], (list, tuple)):
                    ids = [i for i in command[2]
                           if isinstance(i, int) and not isinstance(i, bool)]
                    current = set()
                    for record in records:
                        current |= set(record[name].ids)
                    new = [i for i in ids if i not in current]
                    if new:
                        self._crm_check_readable_link(field, comodel.browse(new))

    @api.model
    def _crm_check_readable_link(self, field, targets):
        targets = targets.exists()
        if not targets:
            return
        try:
            targets.check_access_rights("read")
            targets.check_access_rule("read")
        except AccessError:
            raise AccessError(_(
                "%(field)s of %(model)s: you cannot link a record you may not see; "
                "nothing was saved.") % {
                    "field": field.get_description(self.env)["string"],
                    "model": self._description})

    @api.model
    def create(self, vals):
        if self._crm_touched() and not self._crm_is_su() \
                and not self._crm_is_workflow():
            dropped = [key for key in self.env.context
                       if key.startswith("default_") and self._crm_is_guarded(key[8:])
                       and not self._crm_may_set(key[8:])]
            if dropped:
                context = {key: value for key, value in self.env.context.items()
                           if key not in dropped}
                self = self.with_env(self.env(context=context))
        return super(Base, self).create(vals)

    @api.multi
    def copy_data(self, default=None):
        """A copy is a new record: a workflow-owned field the user may not set starts
        from its default again, unless the user could have given the copied value to
        a new record themselves (their own name as owner, a past date)."""
        result = super(Base, self).copy_data(default=default)
        if not self._crm_touched() or self._crm_is_su() or self._crm_is_workflow():
            return result
        given = set(default or ())
        names = [name for name in self._crm_guarded()
                 if name not in given and not self._crm_may_set(name)]
        if not names:
            return result
        defaults = self._crm_trusted_defaults(names)
        for vals in result or ():
            for name in names:
                if name not in vals:
                    continue
                field = self._fields[name]
                if self._crm_same(field, defaults.get(name), vals[name]) \
                        or self._crm_guard_allows(name, vals[name], self.browse()):
                    continue
                if name in defaults:
                    vals[name] = defaults[name]
                else:
                    del vals[name]
        return result

    @api.model
    def load(self, fields, data):
        if self._crm_touched() and not self._crm_is_su() \
                and isinstance(fields, (list, tuple)):
            names = {str(spec).split("/")[0].split(".")[0] for spec in fields}
            self._crm_check_paths([name for name in names if name])
            refused = [self._fields[name].get_description(self.env)["string"]
                       for name in names
                       if name in self._fields and self._crm_is_guarded(name)
                       and not self._crm_may_set(name)]
            if refused:
                raise AccessError(_(
                    "%(fields)s of %(model)s cannot be imported: they change only "
                    "through the workflow or by a manager.") % {
                        "fields": ", ".join(sorted(refused)),
                        "model": self._description})
        return super(Base, self).load(fields, data)

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
