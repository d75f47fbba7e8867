from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

TICKET_TYPES = [
    ("request", "Request / Inquiry"),
    ("fault", "Fault / Repair"),
    ("complaint", "Complaint"),
    ("suggestion", "Suggestion"),
]
CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("portal", "Web Portal"),
    ("walk_in", "Walk-in"),
    ("wechat", "WeChat"),
    ("other", "Other"),
]
PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]
STATES = [
    ("new", "New"),
    ("accepted", "Accepted"),
    ("dispatched", "Dispatched"),
    ("in_progress", "In Progress"),
    ("waiting", "Waiting for Customer"),
    ("resolved", "Resolved"),
    ("visit", "Return Visit"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
#: states in which the service team still owes the customer something
OPEN_STATES = ("new", "accepted", "dispatched", "in_progress", "waiting")
#: where each action may start from, and where it leads
TRANSITIONS = {
    "accept": (("new",), "accepted"),
    "dispatch": (("new", "accepted", "dispatched", "in_progress"), "dispatched"),
    "start": (("new", "accepted", "dispatched"), "in_progress"),
    "refuse": (("dispatched",), "accepted"),
    "wait": (("in_progress",), "waiting"),
    "resume": (("waiting",), "in_progress"),
    "resolve": (("accepted", "dispatched", "in_progress", "waiting"), "resolved"),
    "visit": (("resolved",), "visit"),
    "close": (("resolved", "visit"), "closed"),
    "cancel": (OPEN_STATES, "cancelled"),
    "reopen": (("resolved", "visit", "closed", "cancelled"), "in_progress"),
}
#: the date field stamped the first time a ticket enters a state
STATE_DATES = {
    "accepted": "accepted_date",
    "dispatched": "dispatched_date",
    "in_progress": "started_date",
    "resolved": "resolved_date",
    "closed": "closed_date",
    "cancelled": "cancelled_date",
}


class CrmServiceTicket(models.Model):
    """One service request or complaint (客户服务单), from any channel, through its
    whole life: new → accepted → dispatched (派单) → in progress → resolved → return
    visit (回访) → closed. The model name is a contract (DESIGN.md 4.2)."""

    _name = "crm.service.ticket"
    _description = "Service Ticket"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, id desc"
    _rec_name = "number"
    # workflow-owned (issue 13): dispatch and the SLA's deadlines; an agent's new
    # ticket may be their own and their team's
    _crm_guarded_fields = dict.fromkeys(
        ("user_id", "team_id", "response_deadline", "resolve_deadline"),
        "crm_core.group_service_manager")
    _crm_guard_own = {"user_id": "user"}
    # what a client may pass to the public methods (crm_core/models/base_input.py)
    _crm_rpc_arguments = {
        "dispatch_to": {"team": "record", "user": "record", "note": "text"},
        "cancel": {"reason": "text"},
        "refuse": {"reason": "text"},
        "reopen": {"reason": "text"},
        "schedule_visit": {"start": "datetime", "stop": "datetime"},
        "solve_with_article": {"article": "record"},
    }
    _crm_customer_data = True  # exports need the right, and are logged
    # the audit trail (crm_core/models/auditlog.py): dispatch, state and the SLA
    _crm_audited_fields = (
        "state", "priority", "user_id", "team_id", "partner_id", "response_deadline",
        "resolve_deadline", "first_response_date", "resolved_date", "closed_date",
        "sla_state")

    number = fields.Char(
        required=True, readonly=True, copy=False, index=True, default="/",
        track_visibility="onchange")
    name = fields.Char("Subject", required=True, track_visibility="onchange")
    description = fields.Text()
    ticket_type = fields.Selection(
        TICKET_TYPES, "Type", required=True, default="request", index=True,
        track_visibility="onchange")
    category_id = fields.Many2one(
        "crm.service.category", index=True, track_visibility="onchange")
    priority = fields.Selection(PRIORITIES, default="1", required=True, index=True,
                                track_visibility="onchange")
    channel = fields.Selection(CHANNELS, required=True, default="phone", index=True)
    state = fields.Selection(
        STATES, "Status", default="new", required=True, readonly=True, copy=False,
        index=True, track_visibility="onchange", group_expand="_group_expand_state")
    is_open = fields.Boolean(compute="_compute_is_open", store=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.user.company_id)

    # who
    partner_id = fields.Many2one(
        "res.partner", "Customer", index=True, track_visibility="onchange")
    commercial_partner_id = fields.Many2one(
        "res.partner", related="partner_id.commercial_partner_id", store=True,
        readonly=True, index=True, string="Customer Company")
    # stored and indexed: the salespeople's record rule compares it on the row
    customer_user_id = fields.Many2one(
        "res.users", related="commercial_partner_id.user_id", readonly=True,
        store=True, index=True, string="Customer's Salesperson")
    contact_name = fields.Char()
    contact_phone = fields.Char()
    contact_email = fields.Char()

    # what
    product_id = fields.Many2one("product.product", index=True)
    serial_number = fields.Char("Serial / Lot Number")
    sale_order_id = fields.Many2one(
        "sale.order", "Related Order",
        domain="[('partner_id', 'child_of', commercial_partner_id)]")
    invoice_id = fields.Many2one(
        "account.invoice", "Related Invoice",
        domain="[('partner_id', 'child_of', commercial_partner_id)]")

    # handled by
    team_id = fields.Many2one("crm.service.team", index=True,
                              track_visibility="onchange")
    user_id = fields.Many2one("res.users", "Assigned to", index=True,
                              track_visibility="onchange")
    dispatched_by_id = fields.Many2one("res.users", "Dispatched by", readonly=True,
                                       copy=False)
    dispatch_note = fields.Text(copy=False)
    dispatch_feedback = fields.Text(
        copy=False, help="The assignee's answer to the dispatch (派单反馈).")

    # outcome
    solution = fields.Text(copy=False, track_visibility="onchange")
    root_cause_id = fields.Many2one(
        "crm.dictionary.item", index=True, copy=False,
        domain=[("dictionary_code", "=", "service_root_cause")],
        track_visibility="onchange")
    cancel_reason = fields.Text(copy=False)
    reopen_reason = fields.Text(copy=False)
    reopen_count = fields.Integer(readonly=True, copy=False)

    # time
    accepted_date = fields.Datetime(readonly=True, copy=False)
    dispatched_date = fields.Datetime(readonly=True, copy=False)
    started_date = fields.Datetime(readonly=True, copy=False)
    first_response_date = fields.Datetime(readonly=True, copy=False, index=True)
    resolved_date = fields.Datetime(readonly=True, copy=False, index=True)
    closed_date = fields.Datetime(readonly=True, copy=False)
    cancelled_date = fields.Datetime(readonly=True, copy=False)
    response_deadline = fields.Datetime(
        "First Response Due", copy=False, index=True, track_visibility="onchange")
    resolve_deadline = fields.Datetime(
        "Resolution Due", copy=False, index=True, track_visibility="onchange")

    _sql_constraints = [
        ("number_company_uniq", "unique (number, company_id)",
         "A ticket number is used once per company."),
    ]

    @api.depends("state")
    def _compute_is_open(self):
        for ticket in self:
            ticket.is_open = ticket.state in OPEN_STATES

    @api.model
    def _group_expand_state(self, states, domain, order):
        return [key for key, _label in STATES if key != "cancelled"]

    @api.constrains("contact_email")
    def _check_contact_email(self):
        for ticket in self:
            email = ticket.contact_email
            if email and "@" not in email:
                raise ValidationError(
                    _("Contact e-mail %r is not an e-mail address.") % email)

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        partner = self.partner_id
        if partner:
            self.contact_name = self.contact_name or partner.name
            self.contact_phone = self.contact_phone or partner.mobile or partner.phone
            self.contact_email = self.contact_email or partner.email

    @api.onchange("category_id")
    def _onchange_category_id(self):
        if self.category_id and not self.team_id:
            self.team_id = self._default_team_for(self.category_id)

    @api.model
    def _default_team_for(self, category):
        """The category's team, or the nearest parent's."""
        while category and not category.team_id:
            category = category.parent_id
        return category.team_id

    @api.model
    def create(self, vals):
        vals = dict(vals)
        if vals.get("number", "/") == "/":
            company_id = vals.get("company_id") or self.env.user.company_id.id
            vals["number"] = self.env["ir.sequence"].with_context(
                force_company=company_id).next_by_code("crm.service.ticket") or "/"
        if not vals.get("team_id") and vals.get("category_id"):
            category = self.env["crm.service.category"].browse(vals["category_id"])
            vals["team_id"] = self._default_team_for(category).id or False
        return super(CrmServiceTicket, self).create(vals)

    @api.multi
    def write(self, vals):
        if "state" in vals and not self._crm_is_workflow():
            raise UserError(_(
                "The status of a ticket changes only through its buttons "
                "(Accept, Dispatch, Start, Resolve...)."))
        return super(CrmServiceTicket, self).write(vals)

    # -- transitions -------------------------------------------------------

    def _transition(self, action, vals=None):
        """Move every ticket of ``self`` by ``action`` (a key of TRANSITIONS), after
        checking each one may; stamps the state's date the first time. One write per
        distinct set of values, never one per ticket."""
        self._check_transition(action)
        target = TRANSITIONS[action][1]
        now = fields.Datetime.now()
        vals = dict(vals or {}, state=target)
        stamps = [STATE_DATES.get(target)]
        if target not in ("cancelled", "accepted") or action == "accept":
            stamps.append("first_response_date")
        stamps = [name for name in stamps if name and name not in vals]
        batches = {}
        for ticket in self:
            key = tuple(name for name in stamps if not ticket[name])
            batches[key] = batches.get(key, self.browse()) | ticket
        for key, tickets in batches.items():
            batch_vals = dict(vals, **{name: now for name in key})
            tickets._crm_workflow().write(batch_vals)
        self._after_transition(action)
        return True

    def _check_transition(self, action):
        """Refuse, naming the first ticket that cannot go through ``action``."""
        sources = TRANSITIONS[action][0]
        labels = dict(self._fields["state"]._description_selection(self.env))
        wrong = self.filtered(lambda t: t.state not in sources)
        if wrong:
            ticket = wrong[0]
            raise UserError(_(
                "Ticket %(number)s is %(state)s: it cannot be %(action)s from there "
                "(allowed from: %(sources)s).") % {
                    "number": ticket.number,
                    "state": labels[ticket.state],
                    "action": self._action_labels()[action],
                    "sources": ", ".join(labels[s] for s in sources),
                })

    def _after_transition(self, action):
        """Hook for SLA, return visits and the like: ``self`` just went through
        ``action``."""
        return True

    @api.model
    def _action_labels(self):
        return {
            "accept": _("accepted"),
            "dispatch": _("dispatched"),
            "start": _("started"),
            "refuse": _("refused"),
            "wait": _("put on hold for the customer"),
            "resume": _("resumed"),
            "resolve": _("resolved"),
            "visit": _("sent to return visit"),
            "close": _("closed"),
            "cancel": _("cancelled"),
            "reopen": _("reopened"),
        }

    # -- buttons -----------------------------------------------------------

    @api.multi
    def action_accept(self):
        return self._transition("accept")

    @api.multi
    def action_dispatch(self):
        """Open the dispatch dialog (派单) for the selected tickets."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Dispatch"),
            "res_model": "crm.service.ticket.dispatch",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def dispatch_to(self, team, user, note=False):
        """Dispatch to ``team`` and/or ``user`` (records or ids); the assignee is
        told by an activity."""
        team = self._crm_records("crm.service.team", team)
        user = self._crm_records("res.users", user)
        if not team and not user:
            raise UserError(_("Choose a team or a person to dispatch to."))
        if user and team and user not in (team.member_ids | team.leader_id):
            raise UserError(_("%(user)s is not a member of team %(team)s.") % {
                "user": user.name, "team": team.name})
        vals = {"dispatched_by_id": self.env.uid, "dispatch_note": note or False,
                "dispatch_feedback": False}
        if team:
            vals["team_id"] = team.id
        vals["user_id"] = user.id if user else False
        self._transition("dispatch", vals)
        if user:
            self._notify_assignee(user, note)
        return True

    def _notify_assignee(self, user, note):
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get(self._name).id
        today = fields.Date.context_today(self)
        for ticket in self:
            self.env["mail.activity"].create({
                "res_model_id": model_id,
                "res_id": ticket.id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "summary": _("Dispatched to you: %s") % ticket.name,
                "note": note or False,
                "date_deadline": (ticket.resolve_deadline or today)[:10],
            })

    @api.multi
    def action_start(self):
        """The assignee takes the ticket (accepting a dispatch is the same)."""
        self._check_transition("start")
        for ticket in self.filtered(lambda t: not t.user_id):
            ticket._crm_workflow().write(
                {"user_id": self.env.uid})
        vals = {}
        if any(t.state == "dispatched" for t in self):
            vals["dispatch_feedback"] = _("Accepted by %s") % self.env.user.name
        return self._transition("start", vals)

    @api.multi
    def action_refuse(self):
        return self._reason_dialog("refuse", _("Refuse the Dispatch"))

    @api.multi
    def action_wait(self):
        return self._transition("wait")

    @api.multi
    def action_resume(self):
        return self._transition("resume")

    @api.multi
    def action_resolve(self):
        missing = self.filtered(lambda t: not (t.solution or "").strip())
        if missing:
            raise UserError(_(
                "Write the solution of ticket %s before resolving it.")
                % missing[0].number)
        return self._transition("resolve")

    @api.multi
    def action_return_visit(self):
        return self._transition("visit")

    @api.multi
    def action_close(self):
        return self._transition("close")

    @api.multi
    def action_cancel(self):
        return self._reason_dialog("cancel", _("Cancel the Ticket"))

    @api.multi
    def action_reopen(self):
        return self._reason_dialog("reopen", _("Reopen the Ticket"))

    def _reason_dialog(self, action, title):
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "crm.service.ticket.reason",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids,
                        "default_action": action},
        }

    def cancel(self, reason):
        self._require_reason(reason)
        return self._transition("cancel", {"cancel_reason": reason})

    def refuse(self, reason):
        """The assignee refuses a dispatch: back to the dispatcher's queue."""
        self._require_reason(reason)
        not_mine = self.filtered(
            lambda t: t.user_id and t.user_id != self.env.user)
        if not_mine and not self.env.user.has_group(
                "crm_core.group_service_manager"):
            raise UserError(_("Only the assignee can refuse ticket %s.")
                            % not_mine[0].number)
        self._transition("refuse", {
            "user_id": False,
            "dispatch_feedback": _("Refused by %(user)s: %(reason)s") % {
                "user": self.env.user.name, "reason": reason}})
        for ticket in self:
            ticket.message_post(body=_("Dispatch refused: %s") % reason)
        return True

    def reopen(self, reason):
        """Back to work, counted; a ticket without an assignee goes back to the
        queue."""
        self._require_reason(reason)
        self._check_transition("reopen")
        for ticket in self:
            ticket._crm_workflow().write({
                "reopen_reason": reason,
                "reopen_count": ticket.reopen_count + 1,
                "resolved_date": False,
                "closed_date": False,
                "cancelled_date": False,
            })
        self._transition("reopen")
        unassigned = self.filtered(lambda t: not t.user_id)
        if unassigned:
            unassigned._crm_workflow().write(
                {"state": "accepted"})
        for ticket in self:
            ticket.message_post(body=_("Reopened: %s") % reason)
        return True

    @staticmethod
    def _require_reason(reason):
        if not (reason or "").strip():
            raise UserError(_("Give a reason."))
