from odoo import _, api, fields, models
from odoo.exceptions import UserError

SATISFACTION = [
    ("1", "1 - Very dissatisfied"),
    ("2", "2 - Dissatisfied"),
    ("3", "3 - Neither"),
    ("4", "4 - Satisfied"),
    ("5", "5 - Very satisfied"),
]
YES_NO = [("yes", "Yes"), ("no", "No")]
VISIT_STATES = [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")]
# Fields only the visit's buttons and its planning write; the answers change only
# while the visit is planned (the satisfaction report and the ticket rely on them).
WORKFLOW_FIELDS = {"state", "done_date", "low_score", "ticket_id", "partner_id",
                   "policy_id", "company_id", "min_satisfaction",
                   "resolution_number"}
ANSWER_FIELDS = {"satisfaction", "would_recommend", "would_buy_again", "comments"}
_WORKFLOW = object()
WORKFLOW_KEY = "crm_visit_workflow"

# Resolved tickets without a visit for their current resolution (the number of
# times they were reopened, plus one), each with the first policy (by sequence)
# matching its type and category, whose delay has passed and whose deterministic
# sample (md5 of the ticket id, 0-9999) draws it; inserted at once, with their
# visitor. The unique (ticket, resolution) makes a
# second run, or a concurrent one, insert nothing.
GENERATE_SQL = """
    WITH RECURSIVE ancestors (category_id, ancestor_id) AS (
        -- the categories of resolved tickets with themselves and every parent
        -- (by parent_id: the parent store is not computed yet while a module's
        -- data loads)
        SELECT DISTINCT category_id, category_id FROM crm_service_ticket
         WHERE state = 'resolved' AND category_id IS NOT NULL
        UNION
        SELECT a.category_id, c.parent_id
          FROM ancestors a
          JOIN crm_service_category c ON c.id = a.ancestor_id
         WHERE c.parent_id IS NOT NULL
    ), candidates AS (
        SELECT DISTINCT ON (t.id)
               t.id AS ticket_id, t.partner_id, t.company_id, t.resolved_date,
               COALESCE(t.reopen_count, 0) + 1 AS resolution,
               p.id AS policy_id, p.delay_hours, p.sample_percent, p.due_days,
               p.min_satisfaction,
               COALESCE(CASE p.assign_to
                            WHEN 'team_leader' THEN team.leader_id
                            WHEN 'ticket_user' THEN t.user_id
                            ELSE p.user_id END,
                        p.user_id, t.user_id, team.leader_id) AS user_id
          FROM crm_service_ticket t
          JOIN crm_service_visit_policy p
            ON p.active AND p.company_id = t.company_id
           AND (p.ticket_type IS NULL OR p.ticket_type = t.ticket_type)
           AND (NOT EXISTS (SELECT 1 FROM crm_service_visit_policy_category_rel r
                             WHERE r.policy_id = p.id)
                OR EXISTS (SELECT 1
                             FROM crm_service_visit_policy_category_rel r
                             JOIN ancestors a ON a.ancestor_id = r.category_id
                            WHERE r.policy_id = p.id
                              AND a.category_id = t.category_id))
          LEFT JOIN crm_service_team team ON team.id = t.team_id
         WHERE t.state = 'resolved' AND t.resolved_date IS NOT NULL
           AND (%(all_tickets)s OR t.id = ANY(%(ticket_ids)s::int[]))
         ORDER BY t.id, p.sequence, p.id
    )
    INSERT INTO crm_service_visit (
        ticket_id, partner_id, user_id, policy_id, company_id, state, due_date,
        min_satisfaction, resolution_number, low_score,
        create_uid, create_date, write_uid, write_date)
    SELECT c.ticket_id, c.partner_id, c.user_id, c.policy_id, c.company_id,
           'planned', (%(now)s::timestamp + c.due_days * interval '1 day')::date,
           c.min_satisfaction, c.resolution, FALSE,
           %(uid)s, %(now)s, %(uid)s, %(now)s
      FROM candidates c
     WHERE c.resolved_date + c.delay_hours * interval '1 hour' <= %(now)s::timestamp
       AND ('x' || substr(md5(c.ticket_id::text), 1, 8))::bit(32)::bigint %% 10000
           < c.sample_percent * 100
       AND NOT EXISTS (SELECT 1 FROM crm_service_visit v
                        WHERE v.ticket_id = c.ticket_id
                          AND v.resolution_number = c.resolution)
    ON CONFLICT DO NOTHING
    RETURNING id, ticket_id
"""

# One activity for the visitor of each new visit, in one statement.
ACTIVITY_SQL = """
    INSERT INTO mail_activity (
        res_id, res_model_id, res_model, res_name, activity_type_id, summary,
        date_deadline, user_id, create_uid, create_date, write_uid, write_date)
    SELECT v.id, %(model_id)s, %(model)s, %(label)s || ' ' || t.number,
           %(type_id)s, %(summary)s || ' ' || t.number || ' ' || t.name,
           v.due_date, v.user_id, %(uid)s, %(now)s, %(uid)s, %(now)s
      FROM crm_service_visit v
      JOIN crm_service_ticket t ON t.id = v.ticket_id
     WHERE v.id = ANY(%(visit_ids)s) AND v.user_id IS NOT NULL
"""


class CrmServiceVisit(models.Model):
    """A return visit (回访): the customer is asked, after the ticket was resolved,
    how satisfied they are and whether they would recommend us and buy again. A
    good score closes the ticket; a low one reopens it and alerts the team
    leader."""

    _name = "crm.service.visit"
    _description = "Return Visit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "due_date desc, id desc"
    # workflow-owned (issue 13): the visit's state and ticket (WORKFLOW_FIELDS,
    # readonly), and who calls back
    _crm_guarded_fields = {"user_id": "crm_core.group_service_manager"}

    ticket_id = fields.Many2one("crm.service.ticket", required=True,
                                ondelete="cascade", index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", index=True,
                                 readonly=True)
    user_id = fields.Many2one("res.users", "Visitor", index=True,
                              track_visibility="onchange",
                              default=lambda self: self.env.user)
    policy_id = fields.Many2one("crm.service.visit.policy", readonly=True,
                                ondelete="set null")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True,
        default=lambda self: self.env.user.company_id)
    due_date = fields.Date(required=True, index=True,
                           default=fields.Date.context_today)
    state = fields.Selection(VISIT_STATES, "Status", default="planned",
                             required=True, readonly=True, copy=False, index=True,
                             track_visibility="onchange")
    satisfaction = fields.Selection(SATISFACTION, track_visibility="onchange")
    would_recommend = fields.Selection(
        YES_NO, "Would Recommend Us",
        help="Would the customer recommend us to a friend or colleague?")
    would_buy_again = fields.Selection(
        YES_NO, help="Would the customer buy from us again?")
    comments = fields.Text("Customer's Comments")
    low_score = fields.Boolean(readonly=True, copy=False, index=True)
    min_satisfaction = fields.Integer(
        "Satisfaction Threshold", default=3, readonly=True,
        help="A score below it reopened the ticket.")
    done_date = fields.Datetime("Visited on", readonly=True, copy=False)
    resolution_number = fields.Integer(
        "Resolution No.", readonly=True, copy=False, default=1,
        help="The resolution of the ticket this visit checks: 1 for the first, 2 "
             "once it was reopened and resolved again, and so on.")
    ticket_name = fields.Char(related="ticket_id.name", string="Ticket Subject",
                              readonly=True)
    ticket_state = fields.Selection(related="ticket_id.state",
                                    string="Ticket Status", readonly=True)
    team_id = fields.Many2one(related="ticket_id.team_id", string="Service Team",
                              readonly=True)
    script = fields.Text(related="policy_id.script", string="Call Script",
                         readonly=True)

    _sql_constraints = [
        ("ticket_resolution_uniq", "unique (ticket_id, resolution_number)",
         "A ticket gets one return visit per resolution."),
    ]

    @api.multi
    def name_get(self):
        return [(visit.id, _("Return Visit %s") % visit.ticket_id.number)
                for visit in self.sudo()]  # sudo: the number of the visit's ticket

    @api.multi
    def write(self, vals):
        if self.env.context.get(WORKFLOW_KEY) is not _WORKFLOW:
            if WORKFLOW_FIELDS & set(vals):
                raise UserError(_(
                    "The status and the ticket of a return visit change only "
                    "through its buttons."))
            closed = self.filtered(lambda visit: visit.state != "planned")
            if ANSWER_FIELDS & set(vals) and closed:
                raise UserError(_(
                    "%s is done or cancelled: its answers can no longer change.")
                    % closed[0].display_name)
        return super(CrmServiceVisit, self).write(vals)

    def _workflow_write(self, vals):
        return self.with_context(**{WORKFLOW_KEY: _WORKFLOW}).write(vals)

    # -- creation ------------------------------------------------------------

    @api.model
    def _generate_visits(self, ticket_ids=None):
        """Plan the visits the policies call for, for the given resolved tickets
        (all of them when None): one INSERT for the visits, one for the visitors'
        activities, one write per batch moving the tickets to Return Visit. Safe
        to run again: a ticket gets one visit per resolution."""
        cr = self.env.cr
        now = fields.Datetime.now()
        cr.execute(GENERATE_SQL, {  # sql-safe: constant SQL, values as parameters
            "all_tickets": ticket_ids is None, "ticket_ids": list(ticket_ids or []),
            "now": now, "uid": self.env.uid})
        rows = cr.fetchall()
        if not rows:
            return self.browse()
        visit_ids = [row[0] for row in rows]
        cr.execute(ACTIVITY_SQL, {  # sql-safe: constant SQL, values as parameters
            "model_id": self.env["ir.model"]._get(self._name).id,
            "model": self._name,
            "label": _("Return Visit"),
            "type_id": self.env.ref("crm_service.mail_activity_return_visit").id,
            "summary": _("Call the customer back:"),
            "now": now, "uid": self.env.uid, "visit_ids": visit_ids})
        self.invalidate_cache()
        self.env["mail.activity"].invalidate_cache()
        tickets = self.env["crm.service.ticket"].browse([row[1] for row in rows])
        tickets.invalidate_cache()
        tickets._transition("visit")
        return self.browse(visit_ids)

    @api.model
    def _cron_generate_visits(self):
        self._generate_visits()

    @api.model
    def _plan_manual_visits(self, tickets):
        """A ticket sent to return visit by hand, without a visit for its
        resolution, gets one for the current user."""
        # sudo: any visit of the resolution counts, whoever may see it
        existing = self.sudo().search_read(  # sudo: all visits
            [("ticket_id", "in", tickets.ids)],
            ["ticket_id", "resolution_number"])
        covered = {(row["ticket_id"][0], row["resolution_number"])
                   for row in existing}
        visits = self.browse()
        for ticket in tickets:
            resolution = ticket.reopen_count + 1
            if (ticket.id, resolution) in covered:
                continue
            visits |= self.create({
                "ticket_id": ticket.id,
                "partner_id": ticket.partner_id.id,
                "company_id": ticket.company_id.id,
                "resolution_number": resolution,
                "user_id": self.env.uid,
            })
        visits._schedule_visitor_activity()
        return visits

    def _schedule_visitor_activity(self):
        activity_type = self.env.ref("crm_service.mail_activity_return_visit")
        model_id = self.env["ir.model"]._get(self._name).id
        for visit in self.filtered("user_id"):
            self.env["mail.activity"].create({
                "res_model_id": model_id,
                "res_id": visit.id,
                "activity_type_id": activity_type.id,
                "user_id": visit.user_id.id,
                "summary": _("Call the customer back:") + " %s %s" % (
                    visit.ticket_id.number, visit.ticket_id.name),
                "date_deadline": visit.due_date,
            })

    # -- completion ----------------------------------------------------------

    @api.multi
    def action_done(self):
        """Record the answers: a score at or above the threshold closes the
        ticket, below it reopens the ticket and alerts the team leader."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        for visit in self:
            if visit.state != "planned":
                raise UserError(_("%s is no longer planned.") % visit.display_name)
            if not visit.satisfaction:
                raise UserError(_(
                    "Record the customer's satisfaction (1 to 5) before completing "
                    "%s.") % visit.display_name)
        now = fields.Datetime.now()
        low = self.filtered(
            lambda visit: int(visit.satisfaction) < visit.min_satisfaction)
        low._workflow_write({"state": "done", "done_date": now, "low_score": True})
        (self - low)._workflow_write(
            {"state": "done", "done_date": now, "low_score": False})
        self._visit_activities().unlink()
        self._apply_to_tickets()
        return True

    @api.multi
    def action_cancel(self):
        self.check_access_rights("write")
        self.check_access_rule("write")
        if self.filtered(lambda visit: visit.state != "planned"):
            raise UserError(_("Only planned return visits can be cancelled."))
        self._workflow_write({"state": "cancelled"})
        self._visit_activities().unlink()
        for visit in self:
            # sudo: the visitor notes it on the ticket, in the visitor's name
            visit.ticket_id.sudo().message_post(  # sudo: visitor's note
                body=_("%s was cancelled; close the ticket by hand.")
                % visit.display_name, author_id=self.env.user.partner_id.id)
        return True

    def _visit_activities(self):
        activity_type = self.env.ref("crm_service.mail_activity_return_visit")
        # sudo: the visit's activities go with it, whoever they were given to
        return self.env["mail.activity"].sudo().search([  # sudo: visit's activities
            ("res_model", "=", self._name), ("res_id", "in", self.ids),
            ("activity_type_id", "=", activity_type.id)])

    def _apply_to_tickets(self):
        author = self.env.user.partner_id
        labels = dict(SATISFACTION)
        for visit in self:
            # sudo: the customer's answer decides the ticket, even when the policy
            # named a visitor outside the ticket's team
            ticket = visit.ticket_id.sudo()  # sudo: visit's ticket
            ticket.write({"satisfaction": visit.satisfaction})
            score = labels[visit.satisfaction]
            if ticket.state not in ("resolved", "visit"):
                ticket.message_post(body=_(
                    "Return visit done (satisfaction %s); the ticket had already "
                    "moved on and stays as it is.") % score, author_id=author.id)
                continue
            if not visit.low_score:
                ticket._transition("close")
                ticket.message_post(
                    body=_("Closed after the return visit: satisfaction %s.") % score,
                    author_id=author.id)
                continue
            reason = _(
                "Low satisfaction at the return visit: %(score)s (threshold "
                "%(min)s). %(comments)s") % {
                    "score": score, "min": visit.min_satisfaction,
                    "comments": visit.comments or ""}
            ticket.reopen(reason.strip())
            visit._alert_supervisor(ticket, reason.strip())

    def _alert_supervisor(self, ticket, reason):
        """The team leader (or whoever dispatched the ticket) gets an activity and
        a message on the reopened ticket."""
        leader = ticket.team_id.leader_id or ticket.dispatched_by_id
        if not leader:
            return
        self.env["mail.activity"].sudo().create({  # sudo: on the visitor's behalf
            "res_model_id": self.env["ir.model"]._get(ticket._name).id,
            "res_id": ticket.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            "user_id": leader.id,
            "summary": _("Unhappy customer: ticket %s reopened") % ticket.number,
            "note": reason,
            "date_deadline": fields.Date.context_today(self),
        })
        ticket.message_post(
            body=_("%(leader)s, the customer is unhappy: %(reason)s") % {
                "leader": leader.name, "reason": reason},
            author_id=self.env.user.partner_id.id, partner_ids=leader.partner_id.ids,
            subtype="mail.mt_comment", message_type="comment")
