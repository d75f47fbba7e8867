from odoo import api, models
from odoo.osv import expression

from .crm_data_scope import FINANCE_MODELS, SCOPED_MODELS


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def create(self, vals):
        """A colleague's own partner is not a customer: it never enters a pool."""
        if not vals.get("partner_id"):
            self = self.with_context(default_customer=False)
        return super(ResUsers, self).create(vals)

    @api.multi
    def write(self, vals):
        res = super(ResUsers, self).write(vals)
        if "sale_team_id" in vals:
            # the team scope lists the user's teams; the rules cache it
            self.env["ir.rule"].clear_caches()
        return res

    def _crm_data_scope(self, kind):
        """(scopes, open pool, rows) of this user for ``kind`` ("customer", "lead",
        "order" or "followup"): the set of scopes of the user's roles, which add
        up, and the rows they come from. A salesperson whose roles have no row sees
        their own records and the pool; any other user without a row is not
        narrowed (their access rights decide)."""
        self.ensure_one()
        scopes = self.env["crm.data.scope"].sudo()  # sudo: every user's rules read it
        rows = scopes.search([("group_id", "in", self.groups_id.ids)])
        if not rows:
            salesman = self.has_group("sales_team.group_sale_salesman")
            return {"own" if salesman else "all"}, True, rows
        return set(rows.mapped(kind + "_scope")), any(rows.mapped("pool_access")), rows

    def _crm_team_ids(self):
        """The sales teams this user leads or belongs to."""
        self.ensure_one()
        led = self.env["crm.team"].sudo().search(  # sudo: a rule's input
            [("user_id", "=", self.id)])
        return (led | self.sudo().sale_team_id).ids  # sudo: a rule's input

    def _crm_department_user_ids(self):
        """This user and the users of the departments they work in or manage, and
        of every department below those (本部门及下级)."""
        self.ensure_one()
        Employee = self.env["hr.employee"].sudo()  # sudo: a rule's input
        Department = self.env["hr.department"].sudo()  # sudo: a rule's input
        employees = Employee.search([("user_id", "=", self.id)])
        departments = employees.mapped("department_id") | Department.search(
            [("manager_id", "in", employees.ids)])
        if not departments:
            return [self.id]
        tree = Department.search([("id", "child_of", departments.ids)])
        users = Employee.search([("department_id", "in", tree.ids),
                                 ("user_id", "!=", False)]).mapped("user_id")
        return (users | self).ids

    def _crm_scope_domain_via(self, model, path, mode="read"):
        """The data scope of ``model`` applied through the many2one ``path`` of
        another model (e.g. consent events of the customers one may see)."""
        domain = self._crm_scope_domain(model, mode)
        return [
            (("%s.%s" % (path, leaf[0]),) + tuple(leaf[1:]))
            if isinstance(leaf, (list, tuple)) else leaf
            for leaf in domain
        ]

    def _crm_scope_domain(self, model, mode="read"):
        """The record-rule domain of this user's data scope on ``model`` (one of
        SCOPED_MODELS); ``mode`` "read" or "write". Every condition compares an
        indexed column of the row itself, or a short list of ids."""
        self.ensure_one()
        kind, owner, team = SCOPED_MODELS[model]
        if model in FINANCE_MODELS and self.has_group("account.group_account_invoice"):
            return []
        scopes, pool, _rows = self._crm_data_scope(kind)
        if "all" in scopes:
            return []
        users = [self.id]
        if "department" in scopes:
            users = self._crm_department_user_ids()
        teams = self._crm_team_ids() if "team" in scopes else []
        parts = [[(owner, "in", users)]]
        if teams:
            parts.append([(team, "in", teams)])
        if model == "res.partner":
            parts.append([("customer", "=", False)])
            shared = "shared_user_ids" if mode == "read" else "shared_write_user_ids"
            parts.append([(shared, "in", [self.id])])
            if pool and mode == "read":
                parts.append([("scope_pool_state", "=", "pool")])
        elif model == "crm.followup":
            # and the follow-ups on the customers of the scope
            parts.append([("partner_id.user_id", "in", users)])
            if teams:
                parts.append([("partner_id.team_id", "in", teams)])
            if mode == "read":
                parts.append([("partner_id.shared_user_ids", "in", [self.id])])
        elif pool:
            parts.append([(owner, "=", False)])
        return expression.OR(parts)
