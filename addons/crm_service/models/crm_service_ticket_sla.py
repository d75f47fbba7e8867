from collections import OrderedDict
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .crm_service_escalation_level import ESCALATION_KINDS

SLA_STATES = [
    ("on_track", "On Track"),
    ("warning", "Warning"),
    ("breached", "Breached"),
    ("met", "Met"),
    ("failed", "Failed"),
]
#: ticket fields a policy matches on: changing one may change the policy
POLICY_KEYS = ("ticket_type", "category_id", "priority", "partner_id", "company_id")
#: escalations handled by one cron run; the rest wait for the next run
ESCALATION_BATCH = 500
#: resolved tickets of the last this many days give a category's handling time
HISTORY_DAYS = 180

# One UPDATE sets the SLA status of every open ticket (or of the given ids) from the
# deadlines and the clock. The resolution clock stops while the ticket waits for the
# customer (sla_pause_start). Only rows whose status changes are written.
SLA_STATE_SQL = """
UPDATE crm_service_ticket t
   SET sla_state = s.new_state
  FROM (
    SELECT t.id,
           CASE
             WHEN t.response_deadline IS NULL AND t.resolve_deadline IS NULL
               THEN NULL
             WHEN (t.first_response_date IS NULL
                       AND t.response_deadline <= %(now)s)
                  OR t.first_response_date > t.response_deadline
                  OR t.resolve_deadline <= COALESCE(t.sla_pause_start, %(now)s)
               THEN 'breached'
             WHEN (t.first_response_date IS NULL
                       AND t.response_deadline - w.warn <= %(now)s)
                  OR t.resolve_deadline - w.warn
                     <= COALESCE(t.sla_pause_start, %(now)s)
               THEN 'warning'
             ELSE 'on_track'
           END AS new_state
      FROM crm_service_ticket t
      LEFT JOIN crm_service_sla_policy p ON p.id = t.sla_policy_id
     CROSS JOIN LATERAL (
           SELECT COALESCE(p.warn_before_hours, 0) * interval '1 hour' AS warn) w
     WHERE t.is_open
       AND (%(ids)s::int[] IS NULL OR t.id = ANY(%(ids)s::int[]))
  ) s
 WHERE s.id = t.id AND t.sla_state IS DISTINCT FROM s.new_state
"""

# One query finds every escalation that is due: for each open ticket the chain of
# its current deadline (first response until there is one, then resolution), the
# levels of its policy (or the global ones when its policy has none of that kind)
# above the last level fired, whose deadline + delay has passed, unless the breach
# was acknowledged or the level was logged for this deadline already (a level
# renumbered after it fired). A ticket waiting for the customer does not escalate.
DUE_ESCALATIONS_SQL = """
SELECT c.id, l.id, c.kind, c.deadline,
       c.deadline + l.delay_hours * interval '1 hour' AS due
  FROM (
    SELECT t.id, t.sla_policy_id, x.kind,
           CASE WHEN x.kind = 'response' THEN t.response_deadline
                ELSE t.resolve_deadline END AS deadline,
           CASE WHEN t.escalation_kind = x.kind THEN t.escalation_level
                ELSE 0 END AS done_level,
           t.escalation_kind = x.kind AND t.escalation_acknowledged AS acked
      FROM crm_service_ticket t
     CROSS JOIN LATERAL (
           SELECT CASE WHEN t.first_response_date IS NULL
                            AND t.response_deadline IS NOT NULL
                       THEN 'response' ELSE 'resolution' END AS kind) x
     WHERE t.is_open AND t.state != 'waiting'
  ) c
  JOIN crm_service_escalation_level l
    ON l.active AND l.kind = c.kind AND l.sequence > c.done_level
   AND (l.policy_id = c.sla_policy_id
        OR (l.policy_id IS NULL AND NOT EXISTS (
              SELECT 1 FROM crm_service_escalation_level own
               WHERE own.active AND own.kind = c.kind
                 AND own.policy_id = c.sla_policy_id)))
 WHERE c.deadline IS NOT NULL AND c.acked IS NOT TRUE
   AND c.deadline + l.delay_hours * interval '1 hour' <= %(now)s
   AND NOT EXISTS (
         SELECT 1 FROM crm_service_escalation_log fired
          WHERE fired.ticket_id = c.id AND fired.level_id = l.id
            AND fired.deadline = c.deadline)
 ORDER BY c.deadline, c.id, l.sequence
 LIMIT %(limit)s
"""

# Breach prediction: the category's median handling time (received → resolved, in
# clock hours, over the resolved tickets of the last HISTORY_DAYS with at least 3 of
# them), stretched by how loaded the assignee is against the average open load. A
# ticket is likely to breach when that lands after its resolution deadline.
PREDICTION_SQL = """
WITH medians AS (
    SELECT category_id,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM
               resolved_date - COALESCE(sla_start_date, create_date))) AS seconds
      FROM crm_service_ticket
     WHERE resolved_date IS NOT NULL AND category_id IS NOT NULL
       AND resolved_date >= %(since)s
     GROUP BY category_id
    HAVING count(*) >= 3
), loads AS (
    SELECT user_id, count(*) AS open_count
      FROM crm_service_ticket
     WHERE is_open AND user_id IS NOT NULL
     GROUP BY user_id
), average AS (
    SELECT GREATEST(COALESCE(avg(open_count), 1), 1) AS open_count FROM loads
), predicted AS (
    SELECT t.id,
           CASE WHEN m.seconds IS NULL THEN NULL ELSE GREATEST(%(now)s,
               COALESCE(t.sla_start_date, t.create_date)
               + m.seconds * GREATEST(1.0, COALESCE(l.open_count, 1)
                                          / a.open_count) * interval '1 second')
           END AS resolve_date
      FROM crm_service_ticket t
      CROSS JOIN average a
      LEFT JOIN medians m ON m.category_id = t.category_id
      LEFT JOIN loads l ON l.user_id = t.user_id
     WHERE t.is_open
)
UPDATE crm_service_ticket t
   SET predicted_resolve_date = p.resolve_date,
       predicted_breach = COALESCE(p.resolve_date > t.resolve_deadline
                                   AND t.sla_state IN ('on_track', 'warning'), FALSE)
  FROM predicted p
 WHERE p.id = t.id
   AND (t.predicted_resolve_date IS DISTINCT FROM p.resolve_date
        OR t.predicted_breach IS DISTINCT FROM COALESCE(
               p.resolve_date > t.resolve_deadline
               AND t.sla_state IN ('on_track', 'warning'), FALSE))
"""

# Tickets no longer open keep no prediction.
PREDICTION_CLEAR_SQL = """
UPDATE crm_service_ticket
   SET predicted_breach = FALSE, predicted_resolve_date = NULL
 WHERE NOT is_open AND (predicted_breach OR predicted_resolve_date IS NOT NULL)
"""


class CrmServiceTicket(models.Model):
    """SLA of a ticket: its policy, deadlines in working hours of the policy's
    business calendar, time on hold for the customer, the SLA status, and the 预警
    escalation chain with its acknowledgement."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.service.ticket"

    sla_policy_id = fields.Many2one(
        "crm.service.sla.policy", "SLA Policy", index=True, readonly=True,
        copy=False, track_visibility="onchange")
    sla_start_date = fields.Datetime(
        "SLA Clock Start", readonly=True, copy=False, default=fields.Datetime.now,
        help="When the customer asked: the deadlines count from here.")
    sla_state = fields.Selection(
        SLA_STATES, "SLA Status", readonly=True, copy=False, index=True)
    sla_pause_start = fields.Datetime("On Hold Since", readonly=True, copy=False)
    sla_paused_hours = fields.Float(
        "Hours on Hold", readonly=True, copy=False,
        help="Working hours spent waiting for the customer: they do not count "
             "against the resolution deadline.")
    escalation_level = fields.Integer(
        readonly=True, copy=False,
        help="The last escalation level fired for the current deadline.")
    escalation_kind = fields.Selection(
        ESCALATION_KINDS, "Escalated Deadline", readonly=True, copy=False)
    escalation_acknowledged = fields.Boolean(
        readonly=True, copy=False,
        help="Someone took charge of the escalation: no further levels fire for "
             "this deadline.")
    escalation_log_ids = fields.One2many(
        "crm.service.escalation.log", "ticket_id", "Escalations", readonly=True)
    predicted_resolve_date = fields.Datetime(
        "Predicted Resolution", readonly=True, copy=False,
        help="From the category's median handling time and the assignee's open "
             "load.")
    predicted_breach = fields.Boolean(
        "Likely to Breach", readonly=True, copy=False, index=True)

    # -- CRUD ----------------------------------------------------------------

    @api.model
    def create(self, vals):
        ticket = super(CrmServiceTicket, self).create(vals)
        ticket._sla_apply(force=True, keep=vals)
        return ticket

    @api.multi
    def write(self, vals):
        result = super(CrmServiceTicket, self).write(vals)
        if self.env.context.get("crm_service_sla_apply"):
            return result
        force = "sla_start_date" in vals or "sla_policy_id" in vals
        if force or any(key in vals for key in POLICY_KEYS):
            self.filtered("is_open")._sla_apply(force=force, keep=vals)
        elif "response_deadline" in vals or "resolve_deadline" in vals:
            self._sla_update_states(self._sla_now(), self.ids)
        return result

    # -- deadlines -----------------------------------------------------------

    def _sla_write(self, vals):
        return self.with_context(crm_service_sla_apply=True).write(vals)

    def _sla_calendar(self):
        """The business calendar of this ticket's SLA: its policy's, else its
        company's working hours."""
        self.ensure_one()
        return (self.sla_policy_id.calendar_id
                or self.company_id.resource_calendar_id)

    def _sla_apply(self, force=False, keep=()):
        """Take each ticket's policy and set its deadlines from the SLA clock
        start (when ``force`` or when the policy changed). Values given in
        ``keep`` (a policy, deadlines) are left as given. A moved deadline
        restarts its escalation chain."""
        # sudo: the policy is configuration every ticket author applies; matching
        # reads the customer's level, which the author may not see
        policies = self.env["crm.service.sla.policy"].sudo()  # sudo: see above
        for ticket in self:
            if "sla_policy_id" in keep:
                policy, force = ticket.sla_policy_id, True
            else:
                policy = policies._find_for(ticket.sudo())  # sudo: see above
            if not force and policy == ticket.sla_policy_id:
                continue
            vals = {"sla_policy_id": policy.id}
            if policy:
                vals.update(ticket._sla_deadlines(policy))
            for name in ("sla_policy_id", "response_deadline", "resolve_deadline"):
                if name in keep:
                    vals.pop(name, None)
            escalated = {"response": "response_deadline",
                         "resolution": "resolve_deadline"}.get(ticket.escalation_kind)
            if escalated in vals and vals[escalated] != ticket[escalated]:
                vals.update(escalation_level=0, escalation_kind=False,
                            escalation_acknowledged=False)
            ticket._sla_write(vals)
        self._sla_update_states(self._sla_now(), self.ids)

    def _sla_deadlines(self, policy):
        """{response_deadline, resolve_deadline} of this ticket under ``policy``."""
        self.ensure_one()
        start = fields.Datetime.from_string(self.sla_start_date or self.create_date)
        calendar = policy.calendar_id
        try:
            work = calendar.sudo()._work_calendar(start)  # sudo: calendars are
            # configuration; leaves' rules would hide nothing global
            response = (work.add_hours(start, policy.response_hours)
                        if policy.response_hours else False)
            resolve = (work.add_hours(start, policy.resolve_hours
                                      + self.sla_paused_hours)
                       if policy.resolve_hours else False)
        except ValueError as error:
            raise UserError(_(
                "Business Calendar %(calendar)s of SLA policy %(policy)s cannot "
                "give a deadline: %(error)s") % {
                    "calendar": calendar.name, "policy": policy.name,
                    "error": error})
        return {
            "response_deadline": response and fields.Datetime.to_string(response),
            "resolve_deadline": resolve and fields.Datetime.to_string(resolve),
        }

    def _sla_now(self):
        """The clock of SLA bookkeeping: now, or the moment a caller (a test, an
        import of past events) gives in the context as ``crm_service_sla_now``."""
        return self.env.context.get("crm_service_sla_now") or fields.Datetime.now()

    def _after_transition(self, action):
        result = super(CrmServiceTicket, self)._after_transition(action)
        now = self._sla_now()
        if action == "wait":
            self.filtered(lambda t: not t.sla_pause_start)._sla_write(
                {"sla_pause_start": now})
        elif action in ("resume", "resolve"):
            self.filtered("sla_pause_start")._sla_end_pause(now)
        elif action == "cancel":
            self.filtered("sla_pause_start")._sla_write({"sla_pause_start": False})
        if action == "resolve":
            self._sla_judge()
        else:
            self._sla_update_states(now, self.ids)
        return result

    def _sla_end_pause(self, now):
        """The customer answered: the working hours on hold push the resolution
        deadline later (unless it was missed before the pause)."""
        end = fields.Datetime.from_string(now)
        for ticket in self:
            start = fields.Datetime.from_string(ticket.sla_pause_start)
            work = ticket._sla_calendar().sudo()._work_calendar(start)  # sudo:
            # calendars are configuration
            paused = max(work.hours_between(start, end), 0.0)
            vals = {"sla_pause_start": False,
                    "sla_paused_hours": ticket.sla_paused_hours + paused}
            if ticket.resolve_deadline:
                deadline = fields.Datetime.from_string(ticket.resolve_deadline)
                vals["resolve_deadline"] = fields.Datetime.to_string(
                    work.push_for_pause(deadline, start, end))
            ticket._sla_write(vals)

    def _sla_judge(self):
        """At resolution: met when every deadline was kept, failed otherwise."""
        batches = {}
        for ticket in self:
            if not ticket.response_deadline and not ticket.resolve_deadline:
                state = False
            elif (ticket.response_deadline and ticket.first_response_date
                  and ticket.first_response_date > ticket.response_deadline) or (
                      ticket.resolve_deadline
                      and ticket.resolved_date > ticket.resolve_deadline):
                state = "failed"
            else:
                state = "met"
            batches[state] = batches.get(state, self.browse()) | ticket
        for state, tickets in batches.items():
            tickets._sla_write({"sla_state": state, "predicted_breach": False})

    @api.model
    def _sla_update_states(self, now, ids=None):
        """Set the SLA status (on track / warning / breached) of the open tickets
        ``ids`` (all when None) in one UPDATE; returns the ids changed."""
        self.env.cr.execute(SLA_STATE_SQL + " RETURNING t.id", {
            "now": now, "ids": list(ids) if ids is not None else None})
        changed = [row[0] for row in self.env.cr.fetchall()]
        if changed:
            self.invalidate_cache(["sla_state"], changed)
        return changed

    # -- escalation ------------------------------------------------------------

    @api.model
    def _cron_check_sla(self, now=None, limit=ESCALATION_BATCH):
        """Every few minutes: SLA statuses in bulk, then every escalation level
        that is due, then breach predictions. Running it twice at the same time
        changes nothing the second time."""
        if isinstance(now, datetime):
            now = fields.Datetime.to_string(now)
        now = now or fields.Datetime.now()
        self._sla_update_states(now)
        self.env.cr.execute(DUE_ESCALATIONS_SQL, {"now": now, "limit": limit})
        rows = self.env.cr.fetchall()
        if rows:
            self._sla_escalate(rows, now)
        self._sla_predict(now)
        return True

    @api.model
    def _sla_escalate(self, rows, now):
        """Fire the due escalations ``rows`` (ticket id, level id, kind, deadline,
        due): for each, a note to the people notified, an activity for each of
        them and a log line; then each ticket remembers its last level."""
        chains = OrderedDict()
        to_datetime = fields.Datetime.from_string  # the cursor gives strings
        for ticket_id, level_id, kind, deadline, due in rows:
            chains.setdefault(ticket_id, []).append(
                (level_id, kind, to_datetime(deadline), to_datetime(due)))
        tickets = self.browse(list(chains))
        levels = self.env["crm.service.escalation.level"].browse(
            list({row[1] for row in rows}))
        levels.mapped("user_id")  # prefetch
        managers = self.env.ref("crm_core.group_service_manager").users.filtered(
            lambda user: user.active and not user.share)
        Log = self.env["crm.service.escalation.log"]
        for ticket in tickets:
            last = None
            for level_id, kind, deadline, due in chains[ticket.id]:
                level = levels.browse(level_id)
                users = ticket._escalation_recipients(level, managers)
                activities = ticket._escalation_activities(level, users, deadline)
                ticket._escalation_post(level, users, kind, deadline, due)
                Log.create({
                    "name": level.name,
                    "ticket_id": ticket.id,
                    "level_id": level.id,
                    "sequence": level.sequence,
                    "kind": kind,
                    "deadline": fields.Datetime.to_string(deadline),
                    "due_date": fields.Datetime.to_string(due),
                    "date": now,
                    "notified_user_ids": [(6, 0, users.ids)],
                    "activity_ids": [(6, 0, activities.ids)],
                })
                last = (level, kind)
            vals = {"escalation_level": last[0].sequence, "escalation_kind": last[1]}
            if ticket.escalation_kind != last[1]:
                vals["escalation_acknowledged"] = False
            ticket._sla_write(vals)

    def _escalation_recipients(self, level, managers):
        """Whom ``level`` tells about this ticket: the assignee (else the team
        leader), the team leader, the service managers of the ticket's company,
        or the level's person; the managers when nobody else is there."""
        self.ensure_one()
        company_managers = managers.filtered(
            lambda user: self.company_id in user.company_ids)
        if level.notify == "assignee":
            users = self.user_id or self.team_id.leader_id
        elif level.notify == "team_leader":
            users = self.team_id.leader_id
        elif level.notify == "user":
            users = level.user_id
        else:
            users = company_managers
        return users or company_managers

    def _escalation_activities(self, level, users, deadline):
        self.ensure_one()
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get(self._name).id
        today = fields.Date.context_today(self)
        activities = self.env["mail.activity"]
        for user in users:
            activities |= activities.create({
                "res_model_id": model_id,
                "res_id": self.id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "summary": _("SLA escalation %(level)s: %(number)s") % {
                    "level": level.display_name, "number": self.number},
                "note": level.note or False,
                "date_deadline": today,
            })
        return activities

    def _escalation_post(self, level, users, kind, deadline, due):
        self.ensure_one()
        labels = dict(self._fields["escalation_kind"]._description_selection(
            self.env))
        values = {
            "level": level.display_name,
            "deadline": labels[kind].lower(),
            "when": self._sla_local_time(deadline),
            "users": ", ".join(users.mapped("name")),
        }
        if due < deadline:
            body = _("Escalation %(level)s: the %(deadline)s deadline %(when)s is "
                     "near. Notified: %(users)s.") % values
        else:
            body = _("Escalation %(level)s: the %(deadline)s deadline %(when)s was "
                     "missed. Notified: %(users)s.") % values
        if level.note:
            body = "%s\n%s" % (body, level.note)
        self.message_post(body=body, subtype="mail.mt_note",
                          content_subtype="plaintext",
                          partner_ids=users.mapped("partner_id").ids)

    def _sla_local_time(self, moment):
        """A UTC moment in the time zone of the ticket's business calendar."""
        tz = self._sla_calendar().tz or self.env.context.get("tz") or "UTC"
        local = fields.Datetime.context_timestamp(
            self.with_context(tz=tz), moment)
        return local.strftime("%Y-%m-%d %H:%M")

    @api.multi
    def action_acknowledge_escalation(self):
        """The person notified (or a service manager) takes charge: the current
        escalation chain stops and its activities are done."""
        user = self.env.user
        is_manager = user.has_group("crm_core.group_service_manager")
        Log = self.env["crm.service.escalation.log"].sudo()  # sudo: the audit
        # trail is read-only to agents; the acknowledgement is stamped on it here
        logs = Log.browse()
        for ticket in self:
            if not ticket.escalation_level or ticket.escalation_acknowledged:
                raise UserError(_("Ticket %s has no escalation to acknowledge.")
                                % ticket.number)
            current = Log.search([("ticket_id", "=", ticket.id),
                                  ("kind", "=", ticket.escalation_kind),
                                  ("acknowledged_by_id", "=", False)])
            if not is_manager and user not in current.mapped("notified_user_ids"):
                raise UserError(_(
                    "Only the people the escalation of ticket %s notified, or a "
                    "service manager, can acknowledge it.") % ticket.number)
            logs |= current
        now = self._sla_now()
        # sudo: a notified director may not otherwise edit the ticket; checked above
        tickets = self.sudo()  # sudo: see above
        tickets._sla_write({"escalation_acknowledged": True})
        logs.write({"acknowledged_by_id": user.id, "acknowledged_date": now})
        feedback = _("Acknowledged by %s") % user.name
        activities = logs.mapped("activity_ids").exists()
        if activities:
            activities.action_feedback(feedback=feedback)
        for ticket in tickets:
            ticket.message_post(
                body=_("Escalation acknowledged by %s: no further levels for this "
                       "deadline.") % user.name,
                subtype="mail.mt_note", author_id=user.partner_id.id)
        return True

    # -- prediction ------------------------------------------------------------

    @api.model
    def _sla_predict(self, now):
        """Predicted resolution and 'likely to breach' of every open ticket, in
        two UPDATEs."""
        since = fields.Datetime.to_string(
            fields.Datetime.from_string(now) - timedelta(days=HISTORY_DAYS))
        self.env.cr.execute(PREDICTION_SQL, {"now": now, "since": since})
        self.env.cr.execute(PREDICTION_CLEAR_SQL)
        self.invalidate_cache(["predicted_resolve_date", "predicted_breach"])
