from odoo import api, fields, models

PERIODS = [
    ("day", "Per Day"),
    ("week", "Per Week"),
    ("month", "Per Month"),
    ("total", "In Total"),
]


class CrmAssignmentMember(models.Model):
    """A salesperson in an assignment rule: how many open leads the rule may give
    them per period, whether they are taking leads now, and their place in the
    rotation (the number of their last turn). The rule locks these rows while it
    assigns, so capacities hold when two assigners run at once."""

    _name = "crm.assignment.member"
    _description = "Lead Assignment Member"
    _order = "rule_id, id"

    rule_id = fields.Many2one("crm.assignment.rule", required=True, index=True,
                              ondelete="cascade")
    team_id = fields.Many2one(related="rule_id.team_id", store=True, readonly=True,
                              index=True)
    user_id = fields.Many2one(
        "res.users", "Salesperson", required=True, index=True, ondelete="cascade",
        domain=lambda self: [("groups_id", "in", self.env.ref(
            "sales_team.group_sale_salesman").id), ("share", "=", False)])
    capacity = fields.Integer(
        help="The most open leads and opportunities this rule gives the "
             "salesperson in the period. 0: no limit.")
    capacity_period = fields.Selection(PERIODS, "Period", required=True,
                                       default="week")
    state = fields.Selection(
        [("active", "Active"), ("paused", "Paused")], required=True,
        default="active",
        help="A paused member gets no leads until set active again (holiday, "
             "training); their place in the rotation is kept.")
    last_turn = fields.Integer(
        "Turn", readonly=True, copy=False,
        help="The number of this member's last turn in the rule (0: none yet). "
             "Round robin serves the member whose last turn is the oldest.")
    last_assigned_date = fields.Datetime("Last Assigned", readonly=True, copy=False)
    used_count = fields.Integer(
        "Assigned in Period", compute="_compute_counts",
        help="Open leads and opportunities this rule gave the salesperson in the "
             "current period that they still hold.")
    open_count = fields.Integer(
        "Open in Team", compute="_compute_counts",
        help="All open leads and opportunities of the salesperson in the team (what "
             "load balancing compares).")

    _sql_constraints = [
        ("rule_user_uniq", "unique(rule_id, user_id)",
         "A salesperson is a member of a rule once."),
        ("capacity_positive", "CHECK(capacity >= 0)",
         "A capacity cannot be negative (0: no limit)."),
    ]

    @api.multi
    def _compute_counts(self):
        """Two grouped queries per rule shown, whatever the number of members."""
        for member in self:
            member.used_count = member.open_count = 0
        for rule in self.mapped("rule_id"):
            if not isinstance(rule.id, int):
                continue  # a rule being created has no leads yet
            members = self.filtered(lambda m, r=rule: m.rule_id == r)
            user_ids = [uid for uid in members.mapped("user_id").ids
                        if isinstance(uid, int)]
            used = rule._used_counts(user_ids)
            loads = rule._open_loads(user_ids)
            for member in members:
                period = member.capacity_period or "total"
                member.used_count = used.get(member.user_id.id, {}).get(period, 0)
                member.open_count = loads.get(member.user_id.id, 0)

    @api.multi
    def action_pause(self):
        return self.write({"state": "paused"})

    @api.multi
    def action_resume(self):
        return self.write({"state": "active"})
