from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .crm_callcenter_queue import DT, _dt

STATES = [
    ("pending", "To Call"),
    ("in_progress", "In Progress"),
    ("done", "Reached"),
    ("failed", "Failed"),
    ("excluded", "Excluded"),
]
#: what an agent may say happened when the phone system reports nothing
OUTCOMES = {"answered", "no_answer", "busy", "failed"}


class CrmCallcenterCallListEntry(models.Model):
    """One customer to call on an outbound list: the number, priority, attempts
    and when to try again, who works it and how it ended. Agents work the
    entries of their lists one at a time ("Next Call"), seeing the number masked
    when their phone system masks numbers."""

    _name = "crm.callcenter.call.list.entry"
    _description = "Call List Entry"
    _order = "priority desc, id"
    _rec_name = "partner_id"
    # workflow-owned (issue 13): the order agents dial in is the supervisor's
    _crm_guarded_fields = {"priority": "crm_core.group_callcenter_supervisor"}

    list_id = fields.Many2one("crm.callcenter.call.list", "Call List", required=True,
                              index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="list_id.company_id", store=True,
                                 readonly=True, index=True)
    campaign_id = fields.Many2one(related="list_id.campaign_id", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True,
                                 index=True, readonly=True, ondelete="cascade")
    phone = fields.Char("Phone (E.164)", readonly=True,
                        groups="crm_core.group_callcenter_supervisor")
    phone_display = fields.Char("Phone", compute="_compute_phone_display")
    priority = fields.Integer(default=0, help="Higher first.")
    attempts = fields.Integer(readonly=True, default=0)
    next_attempt = fields.Datetime(readonly=True, index=True)
    best_hour = fields.Integer(
        readonly=True,
        help="The hour of the day at which this customer answered most often "
             "(-1: unknown), in the phone system's time.")
    state = fields.Selection(STATES, default="pending", required=True, readonly=True,
                             index=True)
    exclusion_reason = fields.Char("Reason", readonly=True)
    agent_id = fields.Many2one("crm.callcenter.agent", readonly=True, index=True)
    last_call_id = fields.Many2one("crm.callcenter.call", readonly=True)
    last_disposition = fields.Selection(related="last_call_id.disposition",
                                        readonly=True)
    call_ids = fields.One2many("crm.callcenter.call", "list_entry_id", "Calls")
    history_ids = fields.Many2many(
        "crm.callcenter.call", compute="_compute_history_ids",
        string="Call History",
        help="The customer's last calls.")
    script_id = fields.Many2one("crm.callcenter.script",
                                compute="_compute_script_id")
    script_step_ids = fields.One2many(related="script_id.step_ids", readonly=True)
    answer_ids = fields.One2many(related="last_call_id.answer_ids", readonly=True)

    _sql_constraints = [
        ("list_partner_uniq", "unique (list_id, partner_id)",
         "A customer is on a call list once."),
    ]

    @api.multi
    def _compute_phone_display(self):
        for entry in self:
            # the real number, masked below for agents when the system masks
            real = entry.sudo().phone  # sudo: see above
            entry.phone_display = entry.list_id.connection_id._display_number(real)

    @api.multi
    def _compute_history_ids(self):
        Call = self.env["crm.callcenter.call"]
        for entry in self:
            commercial = entry.partner_id.commercial_partner_id
            entry.history_ids = Call.search(
                [("partner_id", "child_of", commercial.id)], limit=10) \
                if commercial else Call

    @api.multi
    def _compute_script_id(self):
        Script = self.env["crm.callcenter.script"]
        for entry in self:
            entry.script_id = Script._find(campaign=entry.list_id.campaign_id,
                                           queue=entry.list_id.queue_id)

    # --- next best record ---------------------------------------------------------

    @api.model
    def _next_for_agent(self, agent, now=None):
        """The entry ``agent`` calls next, taken for them (in progress): the one
        they already hold, else the best pending entry of the running lists they
        work, within each list's calling hours and due for a new attempt, by
        priority, then customers who answered most often at this hour, then
        customers with no history, then the rest, then the oldest entry. The row
        is locked with SKIP LOCKED: two agents asking at once get two entries.
        A customer who withdrew consent meanwhile is excluded and skipped."""
        now = now or fields.Datetime.now()
        held = self.search([("agent_id", "=", agent.id),
                            ("state", "=", "in_progress")], limit=1)
        if held:
            return held
        for _attempt in range(20):
            entry = self._lock_next(agent, now)
            if not entry:
                return entry
            _allowed, excluded = self.env["crm.consent"].check(
                entry.partner_id, "phone", entry.list_id.purpose)
            if excluded:
                entry.write({"state": "excluded",
                             "exclusion_reason": _("do not call: %s")
                             % excluded[entry.partner_id.id]})
                continue
            entry.write({"state": "in_progress", "agent_id": agent.id})
            return entry
        return self.browse()

    def _lock_next(self, agent, now):
        self.env.cr.execute("""
            WITH lists AS (
                SELECT l.id, l.call_hour_from, l.call_hour_to,
                       COALESCE(z.name, 'UTC') AS tz
                  FROM crm_callcenter_call_list l
                  JOIN crm_callcenter_connection c ON c.id = l.connection_id
                  LEFT JOIN pg_timezone_names z ON z.name = c.timezone
                 WHERE l.state = 'running' AND l.active
                   AND (EXISTS (SELECT 1 FROM crm_callcenter_call_list_agent_rel r
                                 WHERE r.list_id = l.id AND r.agent_id = %(agent)s)
                        OR EXISTS (SELECT 1 FROM crm_callcenter_queue_agent_rel q
                                    WHERE q.queue_id = l.queue_id
                                      AND q.agent_id = %(agent)s))
            ), local_now AS (
                SELECT id, tz, call_hour_from, call_hour_to,
                       timezone(tz, timezone('UTC', %(now)s::timestamp)) AS moment
                  FROM lists
            ), open_lists AS (
                SELECT id, tz, extract(hour FROM moment) AS hour
                  FROM local_now
                 WHERE extract(hour FROM moment) + extract(minute FROM moment) / 60.0
                       >= call_hour_from
                   AND extract(hour FROM moment) + extract(minute FROM moment) / 60.0
                       < call_hour_to
            ), tzs AS (
                SELECT DISTINCT tz FROM open_lists
            ), targets AS (
                SELECT DISTINCT p.commercial_partner_id AS partner_id
                  FROM crm_callcenter_call_list_entry e
                  JOIN open_lists o ON o.id = e.list_id
                  JOIN res_partner p ON p.id = e.partner_id
                 WHERE e.state = 'pending'
            ), best AS (
                -- the hour at which each customer answered most often
                SELECT DISTINCT ON (partner_id, tz) partner_id, tz, hour
                  FROM (SELECT p.commercial_partner_id AS partner_id, t.tz,
                               extract(hour FROM timezone(t.tz, timezone('UTC',
                                   k.start_date)))::int AS hour,
                               count(*) AS answered
                          FROM crm_callcenter_call k
                          JOIN res_partner p ON p.id = k.partner_id
                          JOIN targets g ON g.partner_id = p.commercial_partner_id
                         CROSS JOIN tzs t
                         WHERE k.disposition = 'answered'
                         GROUP BY 1, 2, 3) counts
                 ORDER BY partner_id, tz, answered DESC, hour
            )
            SELECT e.id, COALESCE(b.hour, -1)
              FROM crm_callcenter_call_list_entry e
              JOIN open_lists o ON o.id = e.list_id
              JOIN res_partner p ON p.id = e.partner_id
              LEFT JOIN best b ON b.partner_id = p.commercial_partner_id
                              AND b.tz = o.tz
             WHERE e.state = 'pending'
               AND (e.next_attempt IS NULL OR e.next_attempt <= %(now)s)
             ORDER BY e.priority DESC,
                      CASE WHEN b.hour = o.hour THEN 0
                           WHEN b.hour IS NULL THEN 1 ELSE 2 END,
                      e.id
             LIMIT 1
               FOR UPDATE OF e SKIP LOCKED
        """, {"agent": agent.id, "now": now})
        row = self.env.cr.fetchone()
        if not row:
            return self.browse()
        entry = self.browse(row[0])
        entry.write({"best_hour": row[1]})
        return entry

    # --- working an entry -------------------------------------------------------------

    @api.multi
    def _check_worker(self):
        """Only the agent holding an entry (or a supervisor) works it."""
        supervisor = self.env.user.has_group("crm_core.group_callcenter_supervisor")
        for entry in self:
            if entry.state != "in_progress":
                raise UserError(_("This entry is not being called (it is %s).")
                                % dict(STATES)[entry.state])
            if not supervisor and entry.agent_id.user_id != self.env.user:
                raise UserError(_("Another agent is calling this customer."))

    @api.multi
    def action_dial(self):
        """Dial the customer from the agent's extension on the list's phone
        system; the agent never receives the number (it is read here, on the
        server)."""
        self.ensure_one()
        self._check_worker()
        call_list = self.list_id
        number = self.sudo().phone  # sudo: the real number stays on the server
        if not number:
            raise UserError(_("This customer has no phone number."))
        log = call_list.connection_id.dial(
            number, partner=self.partner_id, origin=self,
            call_vals={"campaign_id": call_list.campaign_id.id or False,
                       "list_entry_id": self.id})
        # the agent may not write the counters; the dial they just made does
        call = log.call_id.sudo()  # sudo: the call the dial service just made
        self.sudo().write({  # sudo: see above
            "attempts": self.attempts + 1, "last_call_id": call.id})
        return log._action_show()

    @api.multi
    def action_outcome(self):
        """The agent says how the call went (the ``outcome`` in the context:
        answered, no_answer, busy or failed) when the phone system does not: the
        call gets that disposition, and the entry is done, retried or failed."""
        self.ensure_one()
        self._check_worker()
        outcome = self.env.context.get("outcome")
        if outcome not in OUTCOMES:
            raise UserError(_("Outcome: %r is not answered, no_answer, busy or "
                              "failed.") % outcome)
        call = self.last_call_id
        if not call:
            raise UserError(_("Dial the customer first."))
        if call.disposition == "ringing":
            # the agent records what the phone system did not report
            call.sudo().write({"disposition": outcome,  # sudo: see above
                               "end_date": fields.Datetime.now()})
        else:
            self._apply_disposition(call.disposition)
        return self._action_next()

    @api.multi
    def action_do_not_call(self):
        """The customer asks not to be called again: the entry is excluded and the
        opt-out is written to the consent ledger."""
        self.ensure_one()
        self._check_worker()
        self.env["crm.consent"].record(
            self.partner_id.commercial_partner_id, "phone", "opt_out",
            purpose=self.list_id.purpose, source="phone",
            note=_("Asked during the call list %s") % self.list_id.name)
        self.sudo().write({  # sudo: agents do not write entries' states directly
            "state": "excluded",
            "exclusion_reason": _("asked not to be called")})
        return self._action_next()

    @api.multi
    def action_release(self):
        """Put the entry back for later without counting an attempt."""
        self._check_worker()
        self.sudo().write({"state": "pending", "agent_id": False})  # sudo: as above
        return {"type": "ir.actions.act_window_close"}

    @api.multi
    def _apply_disposition(self, disposition, now=None):
        """What a finished call means for these entries: answered → reached;
        no answer, busy or voicemail → tried again after the list's delay,
        failed after its maximum attempts; a failed call → failed."""
        now = _dt(now or fields.Datetime.now())
        entries = self.sudo()  # sudo: the phone system's result, for any agent
        if disposition == "answered":
            return entries.write({"state": "done", "exclusion_reason": False})
        if disposition == "failed":
            return entries.write({"state": "failed",
                                  "exclusion_reason": _("the call failed")})
        for entry in entries:
            rules = entry.list_id
            if entry.attempts >= rules.max_attempts:
                entry.write({"state": "failed", "exclusion_reason": _(
                    "not reached after %d attempts") % entry.attempts})
                continue
            minutes = rules.retry_busy_minutes if disposition == "busy" \
                else rules.retry_no_answer_minutes
            entry.write({"state": "pending", "agent_id": False,
                         "next_attempt": (now + timedelta(minutes=minutes))
                         .strftime(DT)})
        return True

    @api.model
    def action_next_call(self):
        """"Next Call": the preview of the current user's next customer to call."""
        agent = self.env["crm.callcenter.agent"]._for_user()
        if not agent:
            raise UserError(_("You are not a call-center agent: ask a supervisor "
                              "to make you one, with an extension."))
        entry = self.sudo()._next_for_agent(agent)  # sudo: takes a locked row
        if not entry:
            raise UserError(_("Nobody to call now: your lists are done, outside "
                              "their calling hours, or waiting to retry."))
        return entry.sudo(self.env.uid)._action_preview()  # sudo: back to the user

    @api.multi
    def action_next(self):
        """The "Next Call" button of a finished entry."""
        return self.action_next_call()

    @api.multi
    def _action_next(self):
        """After an outcome: the agent's next customer when the button asks for
        it and there is one, else this entry again (showing how it ended)."""
        agent = self.env["crm.callcenter.agent"]._for_user()
        if self.env.context.get("chain_next") and agent:
            entry = self.sudo()._next_for_agent(agent)  # sudo: takes a locked row
            if entry:
                return entry.sudo(  # sudo: back to the user
                    self.env.uid)._action_preview()
        return self._action_preview()

    @api.multi
    def _action_preview(self):
        self.ensure_one()
        view = self.env.ref("crm_callcenter.crm_callcenter_call_list_entry_view_form")
        return {"type": "ir.actions.act_window", "name": _("Next Call"),
                "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "view_type": "form", "views": [(view.id, "form")],
                "target": "current"}

    @api.multi
    def action_open_script(self):
        self.ensure_one()
        if not self.last_call_id:
            raise UserError(_("Dial the customer first: the answers are saved on "
                              "the call."))
        return self.last_call_id.action_open_script()
