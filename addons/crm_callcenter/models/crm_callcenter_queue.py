from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..lib import routing

OVERFLOWS = [
    ("wait", "Keep Waiting"),
    ("voicemail", "Voicemail"),
    ("queue", "Another Queue"),
]
#: the bus channel (with the database name) the supervisors' wallboards listen to
WALLBOARD_CHANNEL = "crm.callcenter.wallboard"
#: a call queued longer ago than this, with neither answer nor hangup, lost its
#: hangup event on the way: it no longer counts as waiting
STALE_HOURS = 4
DT = "%Y-%m-%d %H:%M:%S"


def _dt(value):
    """A Datetime field value (a string in Odoo 11) as a datetime, or None."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.strptime(value[:19], DT)


class CrmCallcenterQueue(models.Model):
    """A call queue (队列) of one phone system: the agents who answer it, the skills
    it needs, its service-level target, the customer levels that jump it and
    where its calls go when nobody can take them. Routing (ACD) decides here who
    takes each call the PBX asks about (POST /crm_callcenter/route)."""

    _name = "crm.callcenter.queue"
    _description = "Call Queue"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True,
                       help="The queue's name in the phone system, e.g. sales.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    connection_id = fields.Many2one("crm.callcenter.connection", "Phone System",
                                    required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="connection_id.company_id", store=True,
                                 readonly=True, index=True)
    agent_ids = fields.Many2many(
        "crm.callcenter.agent", "crm_callcenter_queue_agent_rel", "queue_id",
        "agent_id", "Agents")
    required_skill_id = fields.Many2one(
        "crm.callcenter.skill", ondelete="restrict",
        help="Only agents with this skill at the required level take the calls.")
    required_level = fields.Integer(default=1)
    skill_ids = fields.Many2many(
        "crm.callcenter.skill", "crm_callcenter_queue_skill_rel", "queue_id",
        "skill_id", "Preferred Skills",
        help="The agent with the highest levels in these skills takes the call.")
    service_level_seconds = fields.Integer(
        "Service-level Target (s)", default=20, required=True,
        help="A call answered within this wait counts as answered in time.")
    vip_level_ids = fields.Many2many(
        "crm.dictionary.item", "crm_callcenter_queue_vip_level_rel", "queue_id",
        "level_id", "VIP Levels",
        domain=[("dictionary_code", "=", "customer_level")],
        help="Callers whose customer has one of these levels wait ahead of the "
             "others.")
    max_wait_seconds = fields.Integer(
        "Maximum Wait (s)", default=0,
        help="After this wait a call goes to the overflow; 0: no limit.")
    overflow_action = fields.Selection(
        OVERFLOWS, "Overflow", default="voicemail", required=True,
        help="Where calls go when no agent of the queue is logged in or the "
             "maximum wait is over.")
    overflow_queue_id = fields.Many2one("crm.callcenter.queue", ondelete="set null")
    voicemail_box = fields.Char(help="The voicemail box of the overflow.")
    waiting_count = fields.Integer("Calls Waiting", compute="_compute_waiting_count")

    _sql_constraints = [
        ("code_connection_uniq", "unique (connection_id, code)",
         "A queue code is used once per phone system."),
    ]

    @api.multi
    def _compute_waiting_count(self):
        counts = self._waiting_stats()
        for queue in self:
            queue.waiting_count = counts.get(queue.id, (0, None))[0]

    @api.constrains("required_level", "service_level_seconds", "max_wait_seconds")
    def _check_numbers(self):
        for queue in self:
            if not 1 <= queue.required_level <= 5:
                raise ValidationError(_("Required level: give a level from 1 to 5."))
            if queue.service_level_seconds <= 0:
                raise ValidationError(_("Service-level target: give a number of "
                                        "seconds above 0."))
            if queue.max_wait_seconds < 0:
                raise ValidationError(_("Maximum wait: give 0 (no limit) or a "
                                        "number of seconds."))

    @api.constrains("overflow_action", "overflow_queue_id", "connection_id")
    def _check_overflow(self):
        for queue in self:
            target = queue.overflow_queue_id
            if queue.overflow_action == "queue" and not target:
                raise ValidationError(_("Overflow queue: choose the queue that "
                                        "takes the overflow of %s.") % queue.name)
            if target and (target == queue
                           or target.connection_id != queue.connection_id):
                raise ValidationError(_(
                    "Overflow queue: choose another queue of the same phone "
                    "system than %s.") % queue.name)

    # --- routing (ACD) ----------------------------------------------------------------

    def _fresh_limit(self, now=None):
        return (_dt(now or fields.Datetime.now())
                - timedelta(hours=STALE_HOURS)).strftime(DT)

    def _waiting_stats(self, now=None):
        """{queue id: (calls waiting, first queued date)} in one query."""
        if not self.ids:
            return {}
        self.env.cr.execute("""
            SELECT w.queue_id, count(*), min(w.queued_date)
              FROM crm_callcenter_call w
             WHERE w.queue_id = ANY(%(ids)s) AND w.agent_id IS NULL
               AND w.answer_date IS NULL AND w.end_date IS NULL
               AND w.disposition = 'ringing' AND w.crm_deleted_at IS NULL
               AND w.queued_date >= %(fresh)s
             GROUP BY w.queue_id
        """, {"ids": self.ids, "fresh": self._fresh_limit(now)})
        return {row[0]: (row[1], row[2]) for row in self.env.cr.fetchall()}

    def _acd_position(self, call, now=None):
        """The place of ``call`` among the calls waiting in this queue (1: next)."""
        self.env.cr.execute("""
            SELECT w.id, w.priority, w.queued_date
              FROM crm_callcenter_call w
             WHERE w.queue_id = %(queue)s AND w.agent_id IS NULL
               AND w.answer_date IS NULL AND w.end_date IS NULL
               AND w.disposition = 'ringing' AND w.crm_deleted_at IS NULL
               AND w.queued_date >= %(fresh)s
        """, {"queue": self.id, "fresh": self._fresh_limit(now)})
        waiting = [routing.Waiting(row[0], row[1] or 0, str(row[2]))
                   for row in self.env.cr.fetchall()]
        if call.id not in {w.call_id for w in waiting}:
            return 0
        return routing.queue_position(waiting, call.id)

    def _acd_candidates(self, exclude_agent_ids=()):
        """The queue's available agents with an extension on its phone system, as
        routing.Candidate, from two queries."""
        self.env.cr.execute("""
            SELECT a.id, a.user_id, e.number, a.status_since
              FROM crm_callcenter_queue_agent_rel r
              JOIN crm_callcenter_agent a ON a.id = r.agent_id
              JOIN LATERAL (SELECT x.number FROM crm_callcenter_extension x
                             WHERE x.agent_id = a.id AND x.connection_id = %(conn)s
                             ORDER BY x.number LIMIT 1) e ON true
             WHERE r.queue_id = %(queue)s AND a.active AND a.status = 'available'
               AND NOT a.id = ANY(%(exclude)s)
        """, {"conn": self.connection_id.id, "queue": self.id,
              "exclude": list(exclude_agent_ids)})
        rows = self.env.cr.fetchall()
        skills = {}
        if rows:
            self.env.cr.execute("""
                SELECT agent_id, skill_id, level FROM crm_callcenter_agent_skill
                 WHERE agent_id = ANY(%s)
            """, ([row[0] for row in rows],))
            for agent_id, skill_id, level in self.env.cr.fetchall():
                skills.setdefault(agent_id, {})[skill_id] = level
        return [routing.Candidate(agent_id, user_id, number, skills.get(agent_id, {}),
                                  str(since) if since else None)
                for agent_id, user_id, number, since in rows]

    def _acd_logged_in(self):
        """How many agents of the queue are logged in (any status but offline)."""
        self.env.cr.execute("""
            SELECT count(*) FROM crm_callcenter_queue_agent_rel r
              JOIN crm_callcenter_agent a ON a.id = r.agent_id
             WHERE r.queue_id = %s AND a.active AND a.status != 'offline'
        """, (self.id,))
        return self.env.cr.fetchone()[0]

    def _acd_lock_agent(self, agent_id):
        """Take ``agent_id`` for this call: True when the agent is still available
        and no concurrent routing holds them (they are skipped, not waited for)."""
        self.env.cr.execute("""
            SELECT id FROM crm_callcenter_agent
             WHERE id = %s AND status = 'available'
               FOR UPDATE SKIP LOCKED
        """, (agent_id,))
        return bool(self.env.cr.fetchone())

    @api.model
    def _acd_customer(self, call):
        """The caller's customer (a company or a person without company): the
        call's customer, else the customer whose phone or mobile is the caller's
        E.164 number (the lowest id when several have it)."""
        partner = call.partner_id.commercial_partner_id
        number = call.customer_number or call.caller_e164
        if partner or not number:
            return partner
        key = ("phone", number)
        found = self.env["res.partner"]._find_by_keys({key}).get(key)
        if not found:
            return partner
        return self.env["res.partner"].browse(min(found)).commercial_partner_id

    @api.multi
    def _route(self, call, at=None, stamp=None):
        """Decide who takes ``call`` in this queue and log the decision and its
        reason on the call; returns the answer the PBX gets:
        {"action": "agent"|"wait"|"voicemail"|"queue", "extension",
        "agent_user_id", "reason", "detail", "position", "queue"}.

        ``at`` is the time of the request (UTC); ``stamp`` the PBX's timestamp
        of it: the same stamp asked twice is a retry and gets the same answer,
        a new stamp for a call already given to an agent means that agent did
        not answer, so the call goes to another one and the agent is available
        again."""
        self.ensure_one()
        at = at or fields.Datetime.now()
        stamp = stamp or at
        if (call.queue_id == self and call.routed_date == stamp
                and call.route_rule):
            return self._route_answer(call, at)
        partner = self._acd_customer(call)
        vals = {"routed_date": stamp}
        if call.queue_id != self or not call.queued_date:
            vals.update({
                "queue_id": self.id, "queue": self.code, "queued_date": at,
                "priority": routing.caller_priority(
                    partner.customer_level_id.id, self.vip_level_ids.ids)})
        if partner and not call.partner_id:
            vals["partner_id"] = partner.id
        skipped = self.env["crm.callcenter.agent"]
        if call.agent_id and not call.answer_date:
            skipped = call.agent_id
            vals.update({"agent_id": False, "user_id": False, "extension": False})
            if skipped.status == "ringing":
                skipped._acd_set_status("available", at)
        call.write(vals)
        position = self._acd_position(call, at)
        candidates = self._acd_candidates(skipped.ids)
        decision = None
        while candidates and 0 < position <= len(candidates):
            decision = routing.choose_agent(
                candidates, owner_user_id=partner.user_id.id,
                required_skill=self.required_skill_id.id,
                required_level=self.required_level, skills=self.skill_ids.ids)
            if decision is None or self._acd_lock_agent(decision.candidate.agent_id):
                break
            candidates = [c for c in candidates if c != decision.candidate]
            decision = None
        if decision:
            self._route_to_agent(call, decision, at)
        else:
            self._route_wait(call, position, at)
        self._notify_wallboard()
        return self._route_answer(call, at)

    def _route_to_agent(self, call, decision, at):
        agent = self.env["crm.callcenter.agent"].browse(decision.candidate.agent_id)
        agent.invalidate_cache(["status", "status_since"])
        texts = {
            routing.OWNER: _("The customer's owner %(agent)s is available."),
            routing.SKILL: _("Best skill match: %(agent)s (skill score %(score)d)."),
            routing.LONGEST_IDLE: _("%(agent)s has been available the longest."),
            routing.ONLY_AGENT: _("%(agent)s is the only available agent."),
        }
        reason = texts[decision.rule] % {"agent": agent.user_id.name,
                                         "score": decision.score}
        if call.priority > routing.NORMAL_PRIORITY:
            reason += " " + _("VIP customer: ahead of the other callers.")
        call.write({"agent_id": agent.id, "user_id": agent.user_id.id,
                    "extension": decision.candidate.extension,
                    "route_rule": decision.rule, "route_reason": reason})
        agent._acd_set_status("ringing", at)

    def _route_wait(self, call, position, at):
        waited = (_dt(at) - _dt(call.queued_date)).total_seconds()
        overflow = routing.should_overflow(self._acd_logged_in(), waited,
                                           self.max_wait_seconds)
        if overflow and self.overflow_action != "wait":
            if self.overflow_action == "queue":
                reason = _("Nobody of %(queue)s can take the call: moved to queue "
                           "%(target)s.") % {"queue": self.name,
                                             "target": self.overflow_queue_id.name}
            else:
                reason = _("Nobody of %s can take the call: sent to voicemail."
                           ) % self.name
            call.write({"route_rule": "overflow", "route_reason": reason})
            return
        reason = _("Waiting in %(queue)s at position %(position)d.") % {
            "queue": self.name, "position": position}
        if call.priority > routing.NORMAL_PRIORITY:
            reason += " " + _("VIP customer: ahead of the other callers.")
        call.write({"route_rule": "waiting", "route_reason": reason})

    def _route_answer(self, call, at):
        answer = {"action": "wait", "extension": None, "agent_user_id": None,
                  "reason": call.route_rule, "detail": call.route_reason,
                  "position": 0, "queue": self.code}
        if call.route_rule in routing.RULES and call.agent_id:
            answer.update({"action": "agent", "extension": call.extension,
                           "agent_user_id": call.user_id.id})
        elif call.route_rule == "overflow":
            if self.overflow_action == "queue":
                answer.update({"action": "queue",
                               "queue": self.overflow_queue_id.code})
            else:
                answer.update({"action": "voicemail",
                               "extension": self.voicemail_box or None})
        else:
            answer["position"] = self._acd_position(call, at)
        return answer

    # --- wallboard ------------------------------------------------------------------

    @api.model
    def _notify_wallboard(self):
        """Tell the open wallboards to refresh. The bus row is written in this
        transaction and announced after its commit, so a rolled-back change
        announces nothing; the message carries no data (each wallboard reads
        its own, under its user's rights)."""
        bus = self.env["bus.bus"].sudo()  # sudo: bus rows are system records
        bus.sendone((self.env.cr.dbname, WALLBOARD_CHANNEL), {"type": "refresh"})
        return True

    @api.model
    def get_wallboard_data(self):
        """What the wallboard shows (the web client calls this)."""
        return self._wallboard_data()

    @api.model
    def _wallboard_data(self, now=None):
        """Agents by status with their time in it, calls waiting per queue with
        the longest wait, and today's answered, abandoned and service level per
        queue and in total ("today" in each queue's phone-system timezone).
        Three aggregate queries, whatever the number of agents and calls."""
        user = self.env.user
        if not (user._is_superuser()
                or user.has_group("crm_core.group_callcenter_supervisor")):
            raise AccessError(_("Only call-center supervisors see the wallboard."))
        now = now or fields.Datetime.now()
        now_dt = _dt(now)
        queues = self.search([("active", "=", True)])
        agents = self.env["crm.callcenter.agent"].search([("active", "=", True)])
        statuses = dict(self.env["crm.callcenter.agent"]._fields["status"]
                        ._description_selection(self.env))
        waiting = queues._waiting_stats(now)
        today = queues._today_stats(now)
        agent_rows = []
        for agent in agents:
            since = _dt(agent.status_since)
            agent_rows.append({
                "id": agent.id, "name": agent.name or agent.user_id.name,
                "status": agent.status, "status_label": statuses[agent.status],
                "since": agent.status_since,
                "seconds": max(int((now_dt - since).total_seconds()), 0)
                if since else 0,
                "queues": [q.name for q in agent.queue_ids if q in queues],
            })
        queue_rows = []
        totals = {"waiting": 0, "answered": 0, "abandoned": 0, "in_time": 0,
                  "offered": 0, "longest_wait": 0}
        for queue in queues:
            count, first = waiting.get(queue.id, (0, None))
            answered, abandoned, in_time, offered = today.get(queue.id, (0, 0, 0, 0))
            longest = max(int((now_dt - _dt(first)).total_seconds()), 0) \
                if first else 0
            queue_rows.append({
                "id": queue.id, "name": queue.name, "code": queue.code,
                "waiting": count, "longest_wait": longest,
                "answered": answered, "abandoned": abandoned,
                "service_level": round(100.0 * in_time / offered, 1)
                if offered else None,
                "target": queue.service_level_seconds,
            })
            for key, value in (("waiting", count), ("answered", answered),
                               ("abandoned", abandoned), ("in_time", in_time),
                               ("offered", offered)):
                totals[key] += value
            totals["longest_wait"] = max(totals["longest_wait"], longest)
        totals["service_level"] = round(
            100.0 * totals["in_time"] / totals["offered"], 1) \
            if totals["offered"] else None
        by_status = []
        for key, label in self.env["crm.callcenter.agent"]._fields["status"] \
                ._description_selection(self.env):
            by_status.append({"status": key, "label": label,
                              "agents": [a for a in agent_rows
                                         if a["status"] == key]})
        return {"now": now, "agents": agent_rows, "by_status": by_status,
                "queues": queue_rows, "totals": totals}

    def _today_stats(self, now):
        """{queue id: (answered, abandoned, answered within target, offered)} of
        the calls that started today, in one query."""
        if not self.ids:
            return {}
        self.env.cr.execute("""
            WITH q AS (
                SELECT q.id, q.service_level_seconds AS target,
                       timezone('UTC', timezone(tz.name, date_trunc('day',
                           timezone(tz.name, timezone('UTC', %(now)s::timestamp)))))
                           AS day_start
                  FROM crm_callcenter_queue q
                  JOIN crm_callcenter_connection c ON c.id = q.connection_id
                  LEFT JOIN LATERAL (
                      SELECT COALESCE((SELECT z.name FROM pg_timezone_names z
                                        WHERE z.name = c.timezone), 'UTC') AS name
                  ) tz ON true
                 WHERE q.id = ANY(%(ids)s)
            )
            SELECT q.id,
                   count(k.id) FILTER (WHERE k.disposition = 'answered'),
                   count(k.id) FILTER (WHERE k.disposition = 'abandoned'),
                   count(k.id) FILTER (WHERE k.disposition = 'answered'
                                         AND COALESCE(k.wait_seconds, 0) <= q.target),
                   count(k.id) FILTER (WHERE k.disposition IN ('answered', 'abandoned'))
              FROM q
              LEFT JOIN crm_callcenter_call k
                ON k.queue_id = q.id AND k.start_date >= q.day_start
               AND k.start_date <= %(now)s AND k.crm_deleted_at IS NULL
             GROUP BY q.id
        """, {"ids": self.ids, "now": now})
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}
