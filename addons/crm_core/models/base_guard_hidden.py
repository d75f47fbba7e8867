"""Door 1 of base_guard.py: fields with ``groups=`` are refused to other users
through every public method that reads or compares them (search domains and
``order``, ``name_search``, ``read_group``, ``read_progress_bar``,
``export_data`` (also a right of its own for customer data, and logged), and the
sub-fields of an ``onchange``)."""
from odoo import _, api, models
from odoo.exceptions import AccessError

from ..lib import field_paths
from .base_guard import OUR_ADDONS, SEARCH_FILTERED_MODELS


class Base(models.AbstractModel):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "base"

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
