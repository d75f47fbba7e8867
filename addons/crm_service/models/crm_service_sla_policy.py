from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_service_ticket import PRIORITIES, TICKET_TYPES


class CrmServiceSlaPolicy(models.Model):
    """A service level agreement: how soon a ticket gets a first response and a
    resolution, in working hours of a business calendar. A ticket takes the most
    specific active policy that matches it (type, category and its subcategories,
    priority, customer level); among equally specific ones the first by
    sequence."""

    _name = "crm.service.sla.policy"
    _description = "SLA Policy"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text("Policy Details")
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.user.company_id,
        help="Leave empty for a policy of every company.")
    # what it applies to (empty = any)
    ticket_type = fields.Selection(TICKET_TYPES)
    category_id = fields.Many2one(
        "crm.service.category", ondelete="cascade",
        help="The category and all its subcategories.")
    priority = fields.Selection(PRIORITIES)
    customer_level_id = fields.Many2one(
        "crm.dictionary.item", ondelete="cascade",
        domain=[("dictionary_code", "=", "customer_level")])
    # targets
    calendar_id = fields.Many2one(
        "resource.calendar", "Business Calendar", required=True,
        default=lambda self: self._default_calendar_id(),
        help="Working hours, public holidays and make-up working days the targets "
             "are counted in.")
    response_hours = fields.Float(
        "First Response Within", help="Working hours; 0 for no response target.")
    resolve_hours = fields.Float(
        "Resolution Within", help="Working hours; 0 for no resolution target.")
    warn_before_hours = fields.Float(
        "Warn Before", default=1.0,
        help="A ticket turns to 'Warning' this many hours before a deadline.")
    escalation_level_ids = fields.One2many(
        "crm.service.escalation.level", "policy_id", "Escalation Levels",
        help="Without levels of its own, a policy escalates by the global levels.")

    @api.model
    def _default_calendar_id(self):
        china = self.env.ref("crm_service.resource_calendar_china",
                             raise_if_not_found=False)
        return china or self.env.user.company_id.resource_calendar_id

    @api.constrains("response_hours", "resolve_hours", "warn_before_hours")
    def _check_hours(self):
        for policy in self:
            for name in ("response_hours", "resolve_hours", "warn_before_hours"):
                if policy[name] < 0:
                    raise ValidationError(_(
                        "%(field)s of SLA policy %(policy)s cannot be negative.") % {
                            "field": self._fields[name].get_description(
                                self.env)["string"],
                            "policy": policy.name})
            if not policy.response_hours and not policy.resolve_hours:
                raise ValidationError(_(
                    "SLA policy %s needs a First Response or a Resolution target.")
                    % policy.name)

    # -- matching ------------------------------------------------------------

    def _matches(self, ticket):
        """Whether this policy applies to ``ticket`` (a crm.service.ticket)."""
        self.ensure_one()
        if self.ticket_type and self.ticket_type != ticket.ticket_type:
            return False
        if self.priority and self.priority != ticket.priority:
            return False
        if self.company_id and self.company_id != ticket.company_id:
            return False
        if self.customer_level_id and (
                ticket.commercial_partner_id.customer_level_id
                != self.customer_level_id):
            return False
        if self.category_id:
            category = ticket.category_id
            top = self.category_id
            if not category or not (
                    top.parent_left <= category.parent_left < top.parent_right):
                return False
        return True

    def _specificity(self):
        """Sort key, most specific first: the number of criteria set, then the
        narrower category, then sequence."""
        self.ensure_one()
        criteria = [self.ticket_type, self.category_id, self.priority,
                    self.customer_level_id]
        width = (self.category_id.parent_right - self.category_id.parent_left
                 if self.category_id else 0)
        return (-len([c for c in criteria if c]), width, self.sequence, self.id)

    @api.model
    def _find_for(self, ticket):
        """The policy of ``ticket``, or an empty recordset."""
        candidates = self.search(["|", ("company_id", "=", False),
                                  ("company_id", "=", ticket.company_id.id)])
        matching = candidates.filtered(lambda p: p._matches(ticket))
        if not matching:
            return self.browse()
        return min(matching, key=lambda p: p._specificity())
