from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

AGENT_STATUSES = [
    ("available", "Available"),
    ("ringing", "Ringing"),
    ("on_call", "On a Call"),
    ("after_call", "After-call Work"),
    ("break", "On Break"),
    ("offline", "Offline"),
]
#: the statuses an agent picks for themselves; the others come from the phone system
SELF_SERVICE_STATUSES = ("available", "break", "offline")
#: a connection's after-call time when the agent's last call names none
DEFAULT_AFTER_CALL_SECONDS = 30


class CrmCallcenterAgent(models.Model):
    """A call-center agent (坐席): a user with extensions, skills and queues, and a
    status that the agent or the phone system changes."""

    _name = "crm.callcenter.agent"
    _description = "Call-center Agent"
    _order = "name"
    # workflow-owned (issue 13): who is which agent, on which lines and queues
    _crm_guarded_fields = dict.fromkeys(
        ("user_id", "active", "extension_ids", "skill_ids", "queue_ids"),
        "crm_core.group_callcenter_supervisor")

    name = fields.Char(related="user_id.name", store=True, readonly=True)
    user_id = fields.Many2one("res.users", required=True, index=True,
                              ondelete="cascade")
    active = fields.Boolean(default=True)
    extension_ids = fields.One2many("crm.callcenter.extension", "agent_id",
                                    "Extensions")
    status = fields.Selection(AGENT_STATUSES, default="offline", required=True,
                              index=True, readonly=True)
    status_since = fields.Datetime(default=fields.Datetime.now, required=True,
                                   readonly=True)
    current_call_id = fields.Many2one(
        "crm.callcenter.call", readonly=True, ondelete="set null",
        help="The last call that changed the agent's status.")
    status_log_ids = fields.One2many("crm.callcenter.agent.status.log", "agent_id",
                                     "Status History", readonly=True)

    _sql_constraints = [
        ("user_uniq", "unique (user_id)", "A user is one agent."),
    ]

    @api.model
    def create(self, vals):
        agent = super(CrmCallcenterAgent, self).create(vals)
        agent._open_status_log()
        return agent

    @api.multi
    def _open_status_log(self):
        """The first row of these new agents' status logs: their status from its
        start."""
        self.env.cr.execute("""
            INSERT INTO crm_callcenter_agent_status_log (
                agent_id, user_id, status, date_start, reason,
                create_uid, create_date, write_uid, write_date)
            SELECT id, user_id, status, status_since, %(reason)s,
                   %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
              FROM crm_callcenter_agent WHERE id IN %(ids)s
        """, {"ids": tuple(self.ids), "reason": _("New agent"), "uid": self.env.uid})

    # --- the one way a status changes ------------------------------------------------

    @api.multi
    def _set_status(self, status, at=None, reason=None, call=None):
        """Put these agents in ``status`` (a key of AGENT_STATUSES) from ``at`` (a
        UTC datetime string, default now), closing the current row of each one's
        status log and opening a new one with ``reason`` and ``call``. An agent
        already in that status for that call is left as it is. A time before the
        agent's current status began counts from that beginning (late events never
        make a log row end before it starts). Set-based: three statements whatever
        the number of agents, then each agent's browser is told (bus).

        Used by the telephony events, the agents' buttons, the after-call cron and
        the routing (_acd_set_status): call it on records read with enough rights
        (it writes as itself, without record rules)."""
        if status not in dict(AGENT_STATUSES):
            raise UserError(_("%s is not an agent status.") % status)
        at = at or fields.Datetime.now()
        changing = self.filtered(
            lambda agent: agent.status != status
            or (call is not None and agent.current_call_id != call))
        if not changing:
            return True
        cr = self.env.cr
        params = {"ids": tuple(changing.ids), "at": at, "status": status,
                  "reason": reason or None, "call": call.id if call else None,
                  "uid": self.env.uid}
        cr.execute("""
            UPDATE crm_callcenter_agent_status_log
               SET date_end = greatest(%(at)s::timestamp, date_start),
                   seconds = extract(epoch FROM
                       greatest(%(at)s::timestamp, date_start) - date_start)::int,
                   write_uid = %(uid)s, write_date = now() at time zone 'UTC'
             WHERE agent_id IN %(ids)s AND date_end IS NULL
        """, params)
        cr.execute("""
            INSERT INTO crm_callcenter_agent_status_log (
                agent_id, user_id, status, date_start, reason, call_id,
                create_uid, create_date, write_uid, write_date)
            SELECT id, user_id, %(status)s, greatest(%(at)s::timestamp, status_since),
                   %(reason)s, %(call)s,
                   %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
              FROM crm_callcenter_agent WHERE id IN %(ids)s
        """, params)
        cr.execute("""
            UPDATE crm_callcenter_agent
               SET status = %(status)s,
                   status_since = greatest(%(at)s::timestamp, status_since),
                   current_call_id = coalesce(%(call)s, current_call_id),
                   write_uid = %(uid)s, write_date = now() at time zone 'UTC'
             WHERE id IN %(ids)s
        """, params)
        changing.invalidate_cache(["status", "status_since", "current_call_id",
                                   "status_log_ids"], changing.ids)
        self.env["crm.callcenter.agent.status.log"].invalidate_cache()
        changing._notify_status()
        # the statuses changed without write(): tell the wallboards here
        self.env["crm.callcenter.queue"]._notify_wallboard()
        return True

    @api.multi
    def _notify_status(self):
        """Tell each agent's browser their status (the systray shows it): one bus
        row per agent, written with the transaction. One query reads what the
        notifications need."""
        self.env.cr.execute("""
            SELECT a.id, a.status, a.status_since, u.partner_id, p.lang
              FROM crm_callcenter_agent a
              JOIN res_users u ON u.id = a.user_id
              JOIN res_partner p ON p.id = u.partner_id
             WHERE a.id IN %s
        """, (tuple(self.ids),))
        labels = {}
        notifications = []
        for agent_id, status, since, partner_id, lang in self.env.cr.fetchall():
            if lang not in labels:
                labels[lang] = self.with_context(lang=lang)._status_labels()
            notifications.append([
                (self.env.cr.dbname, "res.partner", partner_id),
                {"type": "crm_callcenter.status", "agent_id": agent_id,
                 "status": status, "label": labels[lang][status], "since": since}])
        self.env["bus.bus"].sendmany(notifications)

    @api.model
    def _status_labels(self):
        """{status: label} in the context's language."""
        return dict(self._fields["status"]._description_selection(self.env))

    # --- what the agent does ---------------------------------------------------------

    @api.multi
    def _check_may_change_status(self):
        """An agent changes their own status; a supervisor anyone's."""
        user = self.env.user
        if user.has_group("crm_core.group_callcenter_supervisor"):
            return
        others = self.filtered(lambda agent: agent.user_id != user)
        if others:
            raise AccessError(_("You may change your own status only, not %s's.")
                              % others[0].name)

    @api.multi
    def _change_status_by_hand(self, status):
        if status not in SELF_SERVICE_STATUSES:
            raise UserError(_("An agent sets themselves available, on break or "
                              "offline; the phone system sets the other statuses."))
        self._check_may_change_status()
        agents = self.sudo()  # sudo: agents read agents; checked: own or supervisor
        agents._set_status(status, reason=_("Set by %s") % self.env.user.name)
        return True

    @api.multi
    def action_set_available(self):
        return self._change_status_by_hand("available")

    @api.multi
    def action_set_break(self):
        return self._change_status_by_hand("break")

    @api.multi
    def action_set_offline(self):
        return self._change_status_by_hand("offline")

    @api.model
    def get_my_status(self):
        """The current user's agent and status for the systray, or False when the
        user is no agent."""
        agent = self.search([("user_id", "=", self.env.uid)], limit=1)
        if not agent:
            return False
        labels = self._status_labels()
        return {"agent_id": agent.id, "status": agent.status,
                "label": labels[agent.status], "since": agent.status_since,
                "choices": [(key, labels[key]) for key in SELF_SERVICE_STATUSES]}

    @api.model
    def set_my_status(self, status):
        """The systray's and the pop-up's buttons: the current user's own status."""
        agent = self.search([("user_id", "=", self.env.uid)], limit=1)
        if not agent:
            raise UserError(_("You are not a call-center agent."))
        agent._change_status_by_hand(status)
        return self.get_my_status()

    # --- after-call work ends ---------------------------------------------------------

    @api.model
    def _cron_end_after_call_work(self, now=None):
        """Agents whose after-call time is over become available, from the moment
        it ended: the time of the connection of the call that put them there (0
        there: only by their own button). One query finds them all; one
        _set_status per distinct end time moves them."""
        self.env.cr.execute("""
            SELECT a.id, a.status_since + make_interval(
                       secs => coalesce(k.after_call_seconds, %(default)s))
              FROM crm_callcenter_agent a
              LEFT JOIN crm_callcenter_call c ON c.id = a.current_call_id
              LEFT JOIN crm_callcenter_connection k ON k.id = c.connection_id
             WHERE a.active AND a.status = 'after_call'
               AND coalesce(k.after_call_seconds, %(default)s) > 0
               AND a.status_since + make_interval(
                       secs => coalesce(k.after_call_seconds, %(default)s))
                   <= %(now)s::timestamp
        """, {"default": DEFAULT_AFTER_CALL_SECONDS,
              "now": now or fields.Datetime.now()})
        ends = {}
        for agent_id, ended in self.env.cr.fetchall():
            ends.setdefault(ended, []).append(agent_id)
        for ended, agent_ids in sorted(ends.items()):
            self.browse(agent_ids)._set_status(
                "available", at=ended, reason=_("After-call work time is over"))
        return True
