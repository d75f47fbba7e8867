from odoo import api, fields, models

SCOPES = [
    ("own", "Own"),
    ("team", "Own Team"),
    ("department", "Department and Sub-departments"),
    ("all", "All"),
]

# What each scoped model calls its owner and its team, and which data kind's scope
# applies to it. The record rules in security/crm_data_scope_rules.xml ask
# res.users._crm_scope_domain() for one of these models.
SCOPED_MODELS = {
    "res.partner": ("customer", "scope_user_id", "scope_team_id"),
    "crm.lead": ("lead", "user_id", "team_id"),
    "crm.opportunity.report": ("lead", "user_id", "team_id"),
    "sale.order": ("order", "user_id", "team_id"),
    "sale.report": ("order", "user_id", "team_id"),
    "sale.order.line": ("order", "salesman_id", "order_team_id"),
    "crm.followup": ("followup", "user_id", "team_id"),
    "account.invoice": ("order", "user_id", "team_id"),
    "account.invoice.line": ("order", "crm_user_id", "crm_team_id"),
}
# models whose every record the billing group (accountants) sees whatever its scope
FINANCE_MODELS = ("account.invoice", "account.invoice.line")


class CrmDataScope(models.Model):
    """What the users of a role see (数据权限): for customers and their contacts,
    leads and opportunities, orders and follow-ups, one of own (本人), own team
    (本团队), department and sub-departments (本部门及下级) or all (全部), plus the
    open pool (公海). The scopes of a user's roles add up."""

    _name = "crm.data.scope"
    _description = "Data Scope of a Role"
    _order = "sequence, id"
    _rec_name = "group_id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    group_id = fields.Many2one(
        "res.groups", "Role", required=True, ondelete="cascade",
        help="The users of this group (and of the groups that include it).")
    customer_scope = fields.Selection(
        SCOPES, "Customers and Contacts", required=True, default="own")
    pool_access = fields.Boolean(
        "Open Pool", default=True,
        help="Also see the customers waiting in a pool (read-only until claimed) "
             "and the leads and orders that have no salesperson.")
    lead_scope = fields.Selection(
        SCOPES, "Leads and Opportunities", required=True, default="own")
    order_scope = fields.Selection(
        SCOPES, "Quotations and Orders", required=True, default="own")
    followup_scope = fields.Selection(
        SCOPES, "Follow-ups", required=True, default="own")

    _sql_constraints = [
        ("group_uniq", "unique(group_id)", "A role has one data scope."),
    ]

    @api.model
    def create(self, vals):
        scope = super(CrmDataScope, self).create(vals)
        self.env["ir.rule"].clear_caches()
        return scope

    @api.multi
    def write(self, vals):
        res = super(CrmDataScope, self).write(vals)
        self.env["ir.rule"].clear_caches()
        return res

    @api.multi
    def unlink(self):
        res = super(CrmDataScope, self).unlink()
        self.env["ir.rule"].clear_caches()
        return res


class CrmTeam(models.Model):
    _inherit = "crm.team"

    @api.model
    def create(self, vals):
        team = super(CrmTeam, self).create(vals)
        self.env["ir.rule"].clear_caches()
        return team

    @api.multi
    def write(self, vals):
        res = super(CrmTeam, self).write(vals)
        if {"user_id", "member_ids", "active"} & set(vals):
            self.env["ir.rule"].clear_caches()
        return res


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    @api.model
    def create(self, vals):
        employee = super(HrEmployee, self).create(vals)
        if vals.get("user_id"):
            self.env["ir.rule"].clear_caches()
        return employee

    @api.multi
    def write(self, vals):
        res = super(HrEmployee, self).write(vals)
        if {"user_id", "department_id", "active"} & set(vals):
            # the department scope lists the department's users
            self.env["ir.rule"].clear_caches()
        return res

    @api.multi
    def unlink(self):
        res = super(HrEmployee, self).unlink()
        self.env["ir.rule"].clear_caches()
        return res


class HrDepartment(models.Model):
    _inherit = "hr.department"

    @api.multi
    def write(self, vals):
        res = super(HrDepartment, self).write(vals)
        if {"parent_id", "manager_id", "active"} & set(vals):
            self.env["ir.rule"].clear_caches()
        return res

    @api.multi
    def unlink(self):
        res = super(HrDepartment, self).unlink()
        self.env["ir.rule"].clear_caches()
        return res
