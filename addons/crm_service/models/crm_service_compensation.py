from datetime import timedelta

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

    @api.multi
    def action_approve(self):
        return self._decision_dialog("approve", _("Approve the Compensation"))

    @api.multi
    def action_refuse(self):
        return self._decision_dialog("refuse", _("Refuse the Compensation"))

    def _decision_dialog(self, decision, title):
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "crm.service.compensation.decide",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids,
                        "default_decision": decision},
        }

    def approve(self, note=False):
        """The current user approves the step each compensation waits for."""
        return self._decide("approved", note)

    def refuse(self, note):
        if not (note or "").strip():
            raise UserError(_("Say why the compensation is refused."))
        return self._decide("refused", note)

    def _decide(self, decision, note):
        user = self.env.user
        now = fields.Datetime.now()
        # sudo: a tier's approvers decide whatever their access to compensations;
        # who they are is checked here, line by line
        for comp in self.sudo():  # sudo: approval workflow
            line = comp._pending_line()
            if comp.state != "to_approve" or not line:
                raise UserError(_("Compensation %s is not waiting for approval.")
                                % comp.name)
            if user not in line._approvers():
                raise UserError(_(
                    "You may not decide step %(step)s of compensation %(name)s: it "
                    "waits for %(approvers)s.") % {
                        "step": line.sequence, "name": comp.name,
                        "approvers": line.approver_label})
            line.write({"state": decision, "decided_by_id": user.id,
                        "decided_date": now, "note": note or False})
            comp._approval_activities().unlink()
            if decision == "refused":
                comp.approval_ids.filtered(
                    lambda other: other.state == "waiting").write(
                        {"state": "cancelled"})
                comp._workflow_write({"state": "refused",
                                      "pending_approver_ids": [(5,)]})
                comp.message_post(
                    body=_("Refused by %(user)s: %(note)s") % {
                        "user": user.name, "note": note},
                    author_id=user.partner_id.id, subtype="mail.mt_comment",
                    message_type="comment",
                    partner_ids=comp.requested_by_id.partner_id.ids)
            else:
                comp.message_post(
                    body=_("Step %(step)s approved by %(user)s.") % {
                        "step": line.sequence, "user": user.name},
                    author_id=user.partner_id.id)
                comp._activate_next_step()
        return True

    # -- workflow (called on sudo records) -------------------------------------

    def _pending_line(self):
        return self.approval_ids.filtered(lambda line: line.state == "pending")[:1]

    def _approval_activities(self):
        activity_type = self.env.ref("crm_service.mail_activity_compensation_approval")
        return self.env["mail.activity"].search([
            ("res_model", "=", self._name), ("res_id", "in", self.ids),
            ("activity_type_id", "=", activity_type.id)])

    def _activate_next_step(self):
        """Open the next waiting approval step and give each of its approvers an
        activity; none left, and the compensation is approved."""
        self.ensure_one()
        line = self.approval_ids.filtered(
            lambda other: other.state == "waiting").sorted("sequence")[:1]
        if not line:
            self._workflow_write({"pending_approver_ids": [(5,)]})
            return self._set_approved()
        approvers = line._approvers()
        if not approvers:
            raise UserError(_(
                "Nobody can approve step %(step)s of compensation %(name)s: "
                "%(approvers)s has no active user. A service manager must fix the "
                "policy's tiers.") % {"step": line.sequence, "name": self.name,
                                      "approvers": line.approver_label})
        line.write({"state": "pending"})
        self._workflow_write({"pending_approver_ids": [(6, 0, approvers.ids)]})
        activity_type = self.env.ref("crm_service.mail_activity_compensation_approval")
        model_id = self.env["ir.model"]._get(self._name).id
        today = fields.Date.context_today(self)
        for user in approvers:
            self.env["mail.activity"].create({
                "res_model_id": model_id,
                "res_id": self.id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "summary": _("Approve compensation %(name)s (step %(step)s)") % {
                    "name": self.name, "step": line.sequence},
                "date_deadline": today,
            })
        return True

    def _set_approved(self):
        self._workflow_write({"state": "approved",
                              "approved_date": fields.Datetime.now()})
        self.message_post(body=_("Approved."))
        if self.compensation_type in ("refund", "credit_note"):
            self._create_credit_note()
        elif self.compensation_type == "coupon":
            self._create_coupon()
        else:
            self.ticket_id.message_post(
                body=_("Free service granted as compensation %(name)s: %(reason)s")
                % {"name": self.name, "reason": self.reason},
                subtype="mail.mt_note")
            self._set_done()
        return True

    def _set_done(self):
        self.filtered(lambda comp: comp.state == "approved")._workflow_write(
            {"state": "done", "done_date": fields.Datetime.now()})

    def _set_undone(self, message):
        """Back from done to approved: its credit note was cancelled or its coupon
        released."""
        done = self.filtered(lambda comp: comp.state == "done")
        done._workflow_write({"state": "approved", "done_date": False})
        for comp in done:
            comp.message_post(body=message)

    def _refunded_invoice(self):
        """The ticket's invoice, when a refund can credit it with Odoo's refund
        mechanism: a posted customer invoice of the same customer, company and
        currency."""
        invoice = self.ticket_id.invoice_id
        if (self.compensation_type == "refund" and invoice
                and invoice.type == "out_invoice"
                and invoice.state in ("open", "paid")
                and invoice.commercial_partner_id == self.partner_id
                and invoice.company_id == self.company_id
                and invoice.currency_id == self.currency_id):
            return invoice
        return invoice.browse()

    def _create_credit_note(self):
        """A draft customer credit note of one line: the compensation product for
        the amount, on the customer's receivable and the product's income account;
        a refund of the ticket's invoice credits that invoice."""
        self.ensure_one()
        Invoice = self.env["account.invoice"]
        company = self.company_id
        partner = self.partner_id.with_context(force_company=company.id)
        product = self.env.ref("crm_service.product_complaint_compensation")
        product = product.with_context(force_company=company.id)
        description = _("Compensation %(name)s for complaint %(ticket)s") % {
            "name": self.name, "ticket": self.ticket_id.number}
        invoice = self._refunded_invoice()
        if invoice:
            vals = Invoice._prepare_refund(
                invoice, description=description, journal_id=invoice.journal_id.id)
            vals["tax_line_ids"] = []
            journal = invoice.journal_id
            fpos = invoice.fiscal_position_id
        else:
            journal = Invoice.with_context(
                type="out_refund", company_id=company.id)._default_journal()
            if not journal:
                raise UserError(_(
                    "Company %s has no sales journal: finance must set one up before "
                    "credit notes can be issued.") % company.name)
            receivable = partner.property_account_receivable_id
            if not receivable:
                raise UserError(_(
                    "Customer %s has no receivable account: finance must set one "
                    "up before credit notes can be issued.") % partner.name)
            fpos = self.env["account.fiscal.position"].browse(
                self.env["account.fiscal.position"].with_context(
                    force_company=company.id).get_fiscal_position(partner.id))
            vals = {
                "type": "out_refund",
                "partner_id": partner.id,
                "account_id": receivable.id,
                "journal_id": journal.id,
                "company_id": company.id,
                "currency_id": self.currency_id.id,
                "fiscal_position_id": fpos.id,
                "date_invoice": fields.Date.context_today(self),
                "name": description,
                # the compensation is nobody's sale: no salesperson's revenue
                "user_id": False,
            }
        account = self.env["account.invoice.line"].get_invoice_line_account(
            "out_refund", product, fpos, company) or journal.default_credit_account_id
        vals.update({
            "origin": ", ".join(filter(None, [vals.get("origin"), self.name])),
            "crm_compensation_id": self.id,
            "invoice_line_ids": [(0, 0, {
                "name": description,
                "product_id": product.id,
                "uom_id": product.uom_id.id,
                "quantity": 1.0,
                "price_unit": self.amount,
                "account_id": account.id,
                "invoice_line_tax_ids": [(6, 0, [])],
            })],
        })
        credit_note = Invoice.create(vals)
        self._workflow_write({"invoice_id": credit_note.id})
        self.message_post(body=_(
            "Draft credit note created: finance validates it to complete the "
            "compensation."))
        credit_note.message_post(body=_(
            "Created for complaint compensation %(name)s (ticket %(ticket)s).") % {
                "name": self.name, "ticket": self.ticket_id.number})
        return credit_note

    def _create_coupon(self):
        self.ensure_one()
        today = fields.Date.from_string(fields.Date.context_today(self))
        expiry = today + timedelta(days=self.policy_id.coupon_validity_days)
        coupon = self.env["crm.service.coupon"].create({
            "partner_id": self.partner_id.id,
            "amount": self.amount,
            "expiry_date": fields.Date.to_string(expiry),
            "compensation_id": self.id,
            "company_id": self.company_id.id,
        })
        self._workflow_write({"coupon_id": coupon.id})
        self.message_post(body=_(
            "Coupon %(code)s issued to %(customer)s, valid until %(expiry)s.") % {
                "code": coupon.code, "customer": self.partner_id.name,
                "expiry": coupon.expiry_date})
        return coupon
