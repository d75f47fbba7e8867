from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmServiceTicket(models.Model):
    """Dispatch by rules (按规则派单): a new ticket that arrives without a team or a
    person goes where the first matching dispatch rule says; the dispatcher (总调度)
    can also run the rules on selected tickets, or dispatch by hand."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.service.ticket"

    dispatch_rule_id = fields.Many2one(
        "crm.service.dispatch.rule", readonly=True, copy=False, index=True,
        ondelete="set null")
    dispatch_reason = fields.Char(
        readonly=True, copy=False, track_visibility="onchange",
        help="Why the dispatch rule chose this team or person.")
    assigned_date = fields.Datetime(
        "Assigned on", readonly=True, copy=False, index=True, group_operator="max",
        help="When the current assignee got the ticket.")

    @api.model
    def create(self, vals):
        vals = dict(vals)
        if vals.get("user_id"):
            vals.setdefault("assigned_date", fields.Datetime.now())
        ticket = super(CrmServiceTicket, self).create(vals)
        if (not vals.get("team_id") and not vals.get("user_id")
                and ticket.state == "new"
                and not self.env.context.get("crm_service_no_rule_dispatch")):
            ticket._dispatch_by_rules(strict=False)
        return ticket

    @api.multi
    def write(self, vals):
        if vals.get("user_id") and "assigned_date" not in vals:
            vals = dict(vals, assigned_date=fields.Datetime.now())
        return super(CrmServiceTicket, self).write(vals)

    @api.multi
    def action_dispatch_by_rules(self):
        """The "Dispatch by Rules" button and list action."""
        self._dispatch_by_rules(strict=True)
        return True

    def _dispatch_by_rules(self, strict):
        """Dispatch ``self`` where the rules say. ``strict``: every ticket must
        match a rule, or nothing is dispatched and the first one is named;
        otherwise the tickets no rule matches are left as they are."""
        if not self:
            return True
        Rule = self.env["crm.service.dispatch.rule"]
        Rule = Rule.sudo()  # sudo: the rules apply whoever records the ticket
        plan = Rule._plan(self)
        if strict:
            missing = self.filtered(lambda t: t.id not in plan)
            if missing:
                raise UserError(_(
                    "No dispatch rule matches ticket %s: dispatch it by hand or "
                    "add a rule.") % missing[0].number)
            self._check_transition("dispatch")
        batches = {}
        for ticket in self:
            if ticket.id in plan:
                rule, user, reason = plan[ticket.id]
                key = (rule.id, user.id, reason)
                batches.setdefault(key, [rule, user, reason, self.browse()])
                batches[key][3] |= ticket
        for rule, user, reason, tickets in batches.values():
            tickets.write({"dispatch_rule_id": rule.id, "dispatch_reason": reason})
            tickets.dispatch_to(rule.team_id, user)
        return True
