from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.dispatch import LoadBook

STRATEGIES = [
    ("least_loaded", "Least-loaded Member"),
    ("team_queue", "Team Queue"),
]
#: ticket type -> the rule's checkbox for it
TYPE_FIELDS = {
    "request": "type_request",
    "fault": "type_fault",
    "complaint": "type_complaint",
    "suggestion": "type_suggestion",
}


class CrmServiceDispatchRule(models.Model):
    """A dispatch rule (派单规则): tickets of these types, categories and regions go
    to this team, to its least-loaded member having the skills, or to the team's
    queue. The first matching rule by sequence wins; empty conditions match
    everything."""

    _name = "crm.service.dispatch.rule"
    _description = "Dispatch Rule"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.user.company_id)

    # conditions
    type_request = fields.Boolean("Requests / Inquiries")
    type_fault = fields.Boolean("Faults / Repairs")
    type_complaint = fields.Boolean("Complaints")
    type_suggestion = fields.Boolean("Suggestions")
    category_ids = fields.Many2many(
        "crm.service.category", string="Categories",
        help="Tickets of these categories or of their subcategories. Empty: any "
             "category, and tickets without one.")
    country_ids = fields.Many2many(
        "res.country", string="Countries",
        help="Customers whose address is in one of these countries...")
    state_ids = fields.Many2many(
        "res.country.state", string="Regions",
        help="...or in one of these provinces / states. Empty (both): anywhere.")
    skill_ids = fields.Many2many(
        "crm.service.skill", string="Required Skills",
        help="Only the team members having all these skills get the tickets; when "
             "nobody has them the next rule is tried.")

    # target
    team_id = fields.Many2one("crm.service.team", "Target Team", required=True,
                              ondelete="cascade", index=True)
    strategy = fields.Selection(
        STRATEGIES, required=True, default="least_loaded",
        help="Least-loaded member: the member with the fewest open tickets (on a "
             "tie, the one who waited longest since their last ticket). Team "
             "queue: the team only; a member takes the ticket from the queue.")
    ticket_count = fields.Integer(compute="_compute_ticket_count",
                                  string="Tickets Dispatched")

    def _compute_ticket_count(self):
        data = self.env["crm.service.ticket"].read_group(
            [("dispatch_rule_id", "in", self.ids)],
            ["dispatch_rule_id"], ["dispatch_rule_id"])
        counts = {row["dispatch_rule_id"][0]: row["dispatch_rule_id_count"]
                  for row in data}
        for rule in self:
            rule.ticket_count = counts.get(rule.id, 0)

    @api.constrains("strategy", "skill_ids")
    def _check_skills(self):
        for rule in self:
            if rule.skill_ids and rule.strategy != "least_loaded":
                raise ValidationError(_(
                    "Rule %s: Required Skills choose a person, so they need the "
                    "strategy Least-loaded Member.") % rule.name)

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env.ref("crm_service.crm_service_ticket_action").read()[0]
        action["domain"] = [("dispatch_rule_id", "=", self.id)]
        action["context"] = {}
        return action

    # -- matching ----------------------------------------------------------

    @api.model
    def _plan(self, tickets):
        """Where the rules send each of ``tickets``: {ticket id: (rule, user or
        empty, reason)}; tickets no rule matches are left out. The queries do not
        depend on the number of tickets nor on the size of the teams: the rules,
        their categories, the members and their skills, and one read_group each
        for the members' open tickets and last assignments."""
        rules = self.search([("company_id", "in", tickets.mapped("company_id").ids)])
        if not rules or not tickets:
            return {}
        categories = {
            rule.id: set(self.env["crm.service.category"].search(
                [("id", "child_of", rule.category_ids.ids)]).ids)
            for rule in rules if rule.category_ids
        }
        agents = {rule.id: rule._agents() for rule in rules
                  if rule.strategy == "least_loaded"}
        users = self.env["res.users"].browse(
            {user_id for pairs in agents.values() for user_id, _name in pairs})
        book = LoadBook(*self._loads(users))
        plan = {}
        for ticket in tickets:
            for rule in rules:
                if not rule._matches(ticket, categories.get(rule.id)):
                    continue
                if rule.strategy == "team_queue":
                    plan[ticket.id] = (rule, self.env["res.users"], _(
                        "Rule %(rule)s: to the queue of %(team)s.") % {
                            "rule": rule.name, "team": rule.team_id.name})
                    break
                chosen = book.choose(agents[rule.id])
                if chosen is None:
                    continue
                user = users.browse(chosen.key)
                plan[ticket.id] = (rule, user, _(
                    "Rule %(rule)s: %(user)s has the fewest open tickets in "
                    "%(team)s (%(load)d).") % {
                        "rule": rule.name, "user": user.name,
                        "team": rule.team_id.name, "load": chosen.load})
                break
        return plan

    def _agents(self):
        """(user id, name) of the team members having every required skill."""
        self.ensure_one()
        skills = self.skill_ids
        return [(user.id, user.name) for user in self.team_id.member_ids
                if not (skills - user.service_skill_ids)]

    def _matches(self, ticket, category_ids):
        """Whether ``ticket`` meets this rule's conditions; ``category_ids`` are
        the rule's categories with their subcategories (None: any category)."""
        self.ensure_one()
        if ticket.company_id != self.company_id:
            return False
        types = [key for key, name in TYPE_FIELDS.items() if self[name]]
        if types and ticket.ticket_type not in types:
            return False
        if category_ids is not None and ticket.category_id.id not in category_ids:
            return False
        if self.country_ids or self.state_ids:
            partner = ticket.partner_id
            address = partner if (partner.state_id or partner.country_id) \
                else partner.commercial_partner_id
            in_state = bool(address.state_id) and address.state_id in self.state_ids
            in_country = (bool(address.country_id)
                          and address.country_id in self.country_ids)
            if not (in_state or in_country):
                return False
        return True

    @api.model
    def _loads(self, users):
        """({user id: open tickets}, {user id: last assignment}) of ``users``, from
        one read_group each over all their tickets, whoever asks."""
        if not users:
            return {}, {}
        tickets = self.env["crm.service.ticket"]
        tickets = tickets.sudo()  # sudo: the loads count every ticket
        open_rows = tickets.read_group(
            [("user_id", "in", users.ids), ("is_open", "=", True)],
            ["user_id"], ["user_id"])
        last_rows = tickets.read_group(
            [("user_id", "in", users.ids), ("assigned_date", "!=", False)],
            ["user_id", "assigned_date"], ["user_id"])
        loads = {row["user_id"][0]: row["user_id_count"] for row in open_rows}
        last = {row["user_id"][0]: row["assigned_date"] for row in last_rows}
        return loads, last
