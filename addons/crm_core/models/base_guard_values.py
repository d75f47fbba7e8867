"""Doors 2 and 3 of base_guard.py, on what a client sends: workflow-owned fields
in create, write, copy and load (``_crm_guarded_fields``), and links to records
the user may not read."""
from odoo import _, api, models
from odoo.exceptions import AccessError


class Base(models.AbstractModel):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "base"

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
