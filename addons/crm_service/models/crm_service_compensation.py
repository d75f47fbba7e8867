from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare
from odoo.tools.misc import formatLang

from .crm_service_compensation_policy import AMOUNT_GROUPS, COMPENSATION_TYPES

STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("done", "Done"),
    ("refused", "Refused"),
]
# Fields only the workflow writes (its buttons, the credit note's validation, the
# coupon's use): write() refuses them without the marker below, which a client
# sending JSON cannot set.
WORKFLOW_FIELDS = {
    "state", "policy_id", "level_id", "partner_id", "company_id", "approval_ids",
    "pending_approver_ids", "requested_by_id", "approved_date", "done_date",
    "invoice_id", "coupon_id", "name",
}
_WORKFLOW = object()
WORKFLOW_KEY = "crm_compensation_workflow"


class CrmServiceCompensation(models.Model):
    """A compensation for a complaint (抱怨补偿): proposed by the agent as units of
    the level's policy, approved tier by tier, then issued as a draft credit note
    for finance, a coupon for the customer's next order, or a free service.
    Amounts are seen and set only by service managers and finance."""

    _name = "crm.service.compensation"
    # the audit trail (crm_core/models/auditlog.py)
    _crm_audited_fields = (
        "state", "compensation_type", "quantity", "amount", "partner_id",
        "approved_date", "done_date", "invoice_id", "coupon_id")
    _description = "Complaint Compensation"
    # what a client may pass to the public methods (crm_core/models/base_input.py)
    _crm_rpc_arguments = {"approve": {"note": "text"}, "refuse": {"note": "text"}}
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char("Number", required=True, readonly=True, copy=False,
                       default="/", index=True)
    ticket_id = fields.Many2one(
        "crm.service.ticket", "Complaint", required=True, index=True,
        ondelete="restrict", domain=[("ticket_type", "=", "complaint")],
        track_visibility="onchange")
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True,
                                 index=True)
    level_id = fields.Many2one("crm.service.complaint.level", "Complaint Level",
                               readonly=True, index=True)
    compensation_type = fields.Selection(
        COMPENSATION_TYPES, "Type", required=True, default="credit_note",
        track_visibility="onchange")
    policy_id = fields.Many2one("crm.service.compensation.policy",
                                readonly=True)
    policy_note = fields.Text("Policy Guidance", related="policy_id.note",
                              readonly=True)
    quantity = fields.Float(
        "Units", default=1.0, digits=(16, 2),
        help="How many standard amounts of the policy are proposed.")
    amount = fields.Monetary(copy=False, groups=AMOUNT_GROUPS)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True,
        default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    product_id = fields.Many2one(
        "product.product", index=True,
        help="The product the complaint is about: compensation cost is reported "
             "by product.")
    reason = fields.Text(required=True)
    state = fields.Selection(
        STATES, "Status", default="draft", required=True, readonly=True, copy=False,
        index=True, track_visibility="onchange")
    approval_ids = fields.One2many(
        "crm.service.compensation.approval", "compensation_id", "Approvals",
        readonly=True, copy=False)
    pending_approver_ids = fields.Many2many(
        "res.users", "crm_service_compensation_pending_user_rel", "compensation_id",
        "user_id", "Waiting for", readonly=True, copy=False)
    can_decide = fields.Boolean(compute="_compute_can_decide")
    requested_by_id = fields.Many2one("res.users", "Requested by", readonly=True,
                                      copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False, index=True)
    done_date = fields.Datetime(readonly=True, copy=False)
    invoice_id = fields.Many2one("account.invoice", "Credit Note", readonly=True,
                                 copy=False, index=True)
    invoice_state = fields.Selection(
        related="invoice_id.state", string="Credit Note Status", readonly=True,
        help="Draft until finance validates the credit note.")
    coupon_id = fields.Many2one("crm.service.coupon", readonly=True,
                                copy=False)

    def _compute_can_decide(self):
        user = self.env.user
        for comp in self:
            # sudo: approvers named by a tier need not read approval lines
            line = comp.sudo()._pending_line()  # sudo: approver check
            comp.can_decide = bool(line) and user in line._approvers()

    @api.onchange("ticket_id")
    def _onchange_ticket_id(self):
        ticket = self.ticket_id
        self.partner_id = ticket.commercial_partner_id
        self.level_id = ticket.complaint_level_id
        if ticket.product_id and not self.product_id:
            self.product_id = ticket.product_id

    @api.onchange("ticket_id", "compensation_type", "quantity")
    def _onchange_standard_amount(self):
        """Those who see amounts see the standard amount of the units proposed."""
        level = self.ticket_id.complaint_level_id
        if not (level and self.compensation_type) or not self.user_has_groups(
                AMOUNT_GROUPS):
            return
        policy = self.env["crm.service.compensation.policy"].search([
            ("level_id", "=", level.id),
            ("compensation_type", "=", self.compensation_type),
            ("company_id", "=", self.ticket_id.company_id.id)], limit=1)
        if policy.unit_amount:
            self.amount = policy.unit_amount * self.quantity

    # -- CRUD ----------------------------------------------------------------

    @api.model
    def create(self, vals):
        self.check_access_rights("create")
        if "amount" in vals:
            # create() does not check field groups: agents never set amounts
            self.check_field_access_rights("write", ["amount"])
        vals = self._prepare_create_vals(vals)
        policy = self.env["crm.service.compensation.policy"].browse(vals["policy_id"])
        self._check_within_policy(policy, vals["amount"], vals.get("quantity", 1.0))
        return super(CrmServiceCompensation, self).create(vals)

    @api.model
    def _prepare_create_vals(self, vals):
        vals = dict(vals)
        ticket = self.env["crm.service.ticket"].browse(vals.get("ticket_id"))
        if not ticket:
            raise ValidationError(_("Choose the complaint to compensate."))
        if ticket.ticket_type != "complaint":
            raise ValidationError(_(
                "Ticket %s is not a complaint: only complaints are compensated.")
                % ticket.number)
        if not ticket.complaint_level_id:
            raise ValidationError(_(
                "Set the complaint level of ticket %s before proposing a "
                "compensation.") % ticket.number)
        if not ticket.commercial_partner_id:
            raise ValidationError(_(
                "Ticket %s has no customer to compensate.") % ticket.number)
        comp_type = vals.get("compensation_type") or "credit_note"
        policy = self._find_policy(ticket.complaint_level_id, comp_type,
                                   ticket.company_id)
        quantity = vals.get("quantity", 1.0)
        if "amount" not in vals:
            # sudo: the standard amount is read for agents, who may not see it
            vals["amount"] = policy.sudo().unit_amount * quantity  # sudo: hidden amount
        company = ticket.company_id
        vals.update({
            "compensation_type": comp_type,
            "partner_id": ticket.commercial_partner_id.id,
            "level_id": ticket.complaint_level_id.id,
            "policy_id": policy.id,
            "company_id": company.id,
        })
        vals.setdefault("product_id", ticket.product_id.id)
        if vals.get("name", "/") == "/":
            vals["name"] = self.env["ir.sequence"].with_context(
                force_company=company.id).next_by_code(self._name) or "/"
        return vals

    @api.model
    def _find_policy(self, level, comp_type, company):
        policy = self.env["crm.service.compensation.policy"].search([
            ("level_id", "=", level.id), ("compensation_type", "=", comp_type),
            ("company_id", "=", company.id)], limit=1)
        if not policy:
            labels = dict(self._fields["compensation_type"]._description_selection(
                self.env))
            raise ValidationError(_(
                "Complaint level %(level)s allows no %(type)s compensation: choose "
                "another type or ask a service manager to add a policy.") % {
                    "level": level.name, "type": labels[comp_type]})
        return policy

    @api.model
    def _check_within_policy(self, policy, amount, quantity):
        """Refuse units that are not positive, a negative amount and an amount
        above the policy's maximum, naming it."""
        if quantity <= 0:
            raise ValidationError(_("The units of a compensation must be more "
                                    "than 0."))
        currency = policy.company_id.currency_id
        if float_compare(amount, 0.0, precision_rounding=currency.rounding) < 0:
            raise ValidationError(_("The amount of a compensation cannot be "
                                    "negative."))
        # sudo: the maximum holds for agents too, who may not read amounts
        maximum = policy.sudo().max_amount  # sudo: hidden maximum
        if float_compare(amount, maximum, precision_rounding=currency.rounding) > 0:
            raise ValidationError(_(
                "The amount %(amount)s is above the maximum of %(max)s that policy "
                "%(policy)s allows.") % {
                    "amount": formatLang(self.env, amount, currency_obj=currency),
                    "max": formatLang(self.env, maximum, currency_obj=currency),
                    "policy": policy.display_name})

    @api.multi
    def write(self, vals):
        if self.env.context.get(WORKFLOW_KEY) is _WORKFLOW:
            return super(CrmServiceCompensation, self).write(vals)
        self.check_access_rights("write")
        self._check_editable(vals)
        if not {"quantity", "compensation_type", "amount"} & set(vals):
            return super(CrmServiceCompensation, self).write(vals)
        # the policy and the amount follow the type and units: check every
        # record first, then write
        plans = []
        for comp in self:
            policy = comp.policy_id
            auto = {}
            if "compensation_type" in vals:
                policy = self._find_policy(comp.level_id, vals["compensation_type"],
                                           comp.company_id)
                auto["policy_id"] = policy.id
            quantity = vals.get("quantity", comp.quantity)
            # sudo: the amount follows the agent's units; agents may not read it
            unit = policy.sudo().unit_amount  # sudo: hidden amount
            if "amount" in vals:
                amount = vals["amount"]
            elif unit:
                amount = auto["amount"] = unit * quantity
            else:
                amount = comp.sudo().amount  # sudo: checked against a new policy
            self._check_within_policy(policy, amount, quantity)
            plans.append((comp, auto))
        super(CrmServiceCompensation, self).write(vals)
        for comp, auto in plans:
            if auto:
                # sudo: the policy and amount follow what the agent chose
                comp.sudo()._workflow_write(auto)  # sudo: agent's choice
        return True

    def _check_editable(self, vals):
        names = {name for name in vals
                 if not name.startswith(("message_", "activity_"))}
        if names & WORKFLOW_FIELDS:
            raise UserError(_(
                "The status, approvals and documents of a compensation change only "
                "through its buttons."))
        if "ticket_id" in names and any(
                comp.ticket_id.id != vals["ticket_id"] for comp in self):
            raise UserError(_(
                "A compensation stays with its complaint: create a new one for "
                "another ticket."))
        not_draft = self.filtered(lambda comp: comp.state != "draft")
        if names and not_draft:
            raise UserError(_(
                "Compensation %s was submitted: it can no longer be changed.")
                % not_draft[0].name)

    @api.multi
    def unlink(self):
        kept = self.filtered(lambda comp: comp.state not in ("draft", "refused"))
        if kept:
            raise UserError(_(
                "Compensation %s is approved or waiting for approval: it cannot be "
                "deleted.") % kept[0].name)
        return super(CrmServiceCompensation, self).unlink()

    def _workflow_write(self, vals):
        return self.with_context(**{WORKFLOW_KEY: _WORKFLOW}).write(vals)

    # -- actions -------------------------------------------------------------

    @api.multi
    def action_submit(self):
        """Ask for approval: one approval line per tier the amount exceeds; no
        tier, and it is approved at once."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        submitted = self.filtered(lambda comp: comp.state != "draft")
        if submitted:
            raise UserError(_("Compensation %s was already submitted.")
                            % submitted[0].name)
        user = self.env.user
        # sudo: reads amounts agents may not see; approval lines, activities and
        # documents are written by this workflow only
        for comp in self.sudo():  # sudo: approval workflow
            amount = comp.amount
            if float_compare(amount, 0.0,
                             precision_rounding=comp.currency_id.rounding) <= 0:
                raise UserError(_(
                    "Compensation %s has no amount yet: a service manager sets it "
                    "before it is submitted.") % comp.name)
            comp._check_within_policy(comp.policy_id, amount, comp.quantity)
            tiers = comp.policy_id._required_tiers(amount)
            comp._workflow_write({
                "state": "to_approve",
                "requested_by_id": user.id,
                "approval_ids": [(5,)] + [(0, 0, {
                    "sequence": index,
                    "tier_id": tier.id,
                    "min_amount": tier.min_amount,
                    "group_id": tier.group_id.id,
                    "user_id": tier.user_id.id,
                    "state": "waiting",
                }) for index, tier in enumerate(tiers, 1)],
            })
            comp.message_post(body=_("Submitted for approval by %s.") % user.name,
                              author_id=user.partner_id.id)
            comp._activate_next_step()
        return True
