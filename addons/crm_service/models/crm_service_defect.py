from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

DEFECT_STATES = [
    ("open", "Open"),
    ("investigating", "Investigating"),
    ("fixed", "Fixed"),
    ("closed", "Closed"),
]
#: a defect in these states is the one new tickets of its product and category join
OPEN_DEFECT_STATES = ("open", "investigating")
DEFECT_TRANSITIONS = {
    "investigate": (("open",), "investigating"),
    "fix": (("open", "investigating"), "fixed"),
    "close": (("open", "investigating", "fixed"), "closed"),
    "reopen": (("fixed", "closed"), "open"),
}


class CrmServiceDefect(models.Model):
    """A product defect (瑕疵): many resolved tickets about the same product and
    category, found by the defect rules (or recorded by hand), routed to the
    responsible department with its own due date."""

    _name = "crm.service.defect"
    _description = "Product Defect"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state_rank, due_date, id desc"

    name = fields.Char(required=True, track_visibility="onchange")
    product_id = fields.Many2one("product.product", required=True, index=True,
                                 track_visibility="onchange")
    category_id = fields.Many2one("crm.service.category", "Service Category",
                                  index=True, track_visibility="onchange")
    keyword = fields.Char(
        help="The keyword that grouped the tickets, when the rule has keywords.")
    rule_id = fields.Many2one("crm.service.defect.rule", "Detected by Rule",
                              index=True, readonly=True, ondelete="set null")
    description = fields.Text("Findings")
    root_cause_id = fields.Many2one(
        "crm.dictionary.item", index=True,
        domain=[("dictionary_code", "=", "service_root_cause")],
        track_visibility="onchange")
    state = fields.Selection(
        DEFECT_STATES, "Status", default="open", required=True, readonly=True,
        copy=False, index=True, track_visibility="onchange")
    state_rank = fields.Integer(compute="_compute_state_rank", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.user.company_id)

    # who answers for it, and by when
    department_id = fields.Many2one("hr.department", "Responsible Department",
                                    index=True, track_visibility="onchange")
    user_id = fields.Many2one("res.users", "Responsible", index=True,
                              track_visibility="onchange")
    detection_date = fields.Datetime(default=fields.Datetime.now, required=True,
                                     readonly=True, copy=False)
    due_date = fields.Date(track_visibility="onchange",
                           help="The defect's own deadline: detection date plus the "
                                "rule's days to resolve.")
    fixed_date = fields.Datetime(readonly=True, copy=False)
    closed_date = fields.Datetime(readonly=True, copy=False)

    # the tickets
    ticket_ids = fields.One2many("crm.service.ticket", "defect_id", "Tickets",
                                 readonly=True)
    ticket_count = fields.Integer(compute="_compute_ticket_stats", store=True)
    first_ticket_date = fields.Datetime(compute="_compute_ticket_stats", store=True)
    last_ticket_date = fields.Datetime(compute="_compute_ticket_stats", store=True)
    spike_count = fields.Integer(
        "Spikes", default=0, readonly=True, copy=False,
        help="How many times the tickets of this defect spiked.")
    last_spike_date = fields.Datetime(readonly=True, copy=False)

    @api.depends("state")
    def _compute_state_rank(self):
        ranks = {key: rank for rank, (key, _label) in enumerate(DEFECT_STATES)}
        for defect in self:
            defect.state_rank = ranks.get(defect.state, 0)

    @api.depends("ticket_ids", "ticket_ids.resolved_date", "ticket_ids.crm_deleted_at")
    def _compute_ticket_stats(self):
        # in SQL: the counts must not depend on which tickets the user may read
        stats = {}
        ids = tuple(i for i in self.ids if isinstance(i, int))
        if ids:
            self.env.cr.execute("""
                SELECT defect_id, count(*), min(resolved_date), max(resolved_date)
                  FROM crm_service_ticket
                 WHERE defect_id IN %s AND crm_deleted_at IS NULL
                 GROUP BY defect_id""", (ids,))
            stats = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for defect in self:
            count, first, last = stats.get(defect.id, (0, False, False))
            defect.ticket_count = count
            defect.first_ticket_date = first
            defect.last_ticket_date = last

    @api.model_cr
    def init(self):
        # one open defect per product, category and keyword: detection running
        # twice at once cannot make two
        self.env.cr.execute("""
            SELECT 1 FROM pg_indexes
             WHERE indexname = 'crm_service_defect_open_uniq'""")
        if not self.env.cr.fetchone():
            self.env.cr.execute("""
                CREATE UNIQUE INDEX crm_service_defect_open_uniq
                    ON crm_service_defect (product_id, coalesce(category_id, 0),
                                           coalesce(keyword, ''))
                 WHERE state IN ('open', 'investigating')""")

    @api.onchange("department_id")
    def _onchange_department_id(self):
        if self.department_id and not self.user_id:
            self.user_id = self.department_id.manager_id.user_id

    # -- actions -------------------------------------------------------------

    def _set_state(self, action, vals=None):
        sources, target = DEFECT_TRANSITIONS[action]
        labels = dict(self._fields["state"]._description_selection(self.env))
        wrong = self.filtered(lambda d: d.state not in sources)
        if wrong:
            raise UserError(_(
                "Defect \"%(name)s\" is %(state)s: allowed only from %(sources)s.")
                % {"name": wrong[0].name, "state": labels[wrong[0].state],
                   "sources": ", ".join(labels[s] for s in sources)})
        return self.write(dict(vals or {}, state=target))

    @api.multi
    def action_investigate(self):
        return self._set_state("investigate")

    @api.multi
    def action_fix(self):
        return self._set_state("fix", {"fixed_date": fields.Datetime.now()})

    @api.multi
    def action_close(self):
        return self._set_state("close", {"closed_date": fields.Datetime.now()})

    @api.multi
    def action_reopen(self):
        for defect in self:
            if defect._open_twin():
                raise UserError(_(
                    "Defect \"%(name)s\" cannot be reopened: \"%(twin)s\" is open for "
                    "the same product and category.") % {
                        "name": defect.name, "twin": defect._open_twin().name})
        return self._set_state("reopen", {"fixed_date": False, "closed_date": False})

    def _open_twin(self):
        self.ensure_one()
        return self.search([
            ("id", "!=", self.id), ("state", "in", OPEN_DEFECT_STATES),
            ("product_id", "=", self.product_id.id),
            ("category_id", "=", self.category_id.id),
            ("keyword", "=", self.keyword or False)], limit=1)

    @api.multi
    def action_view_tickets(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Tickets"),
            "res_model": "crm.service.ticket",
            "view_mode": "tree,form,pivot,graph",
            "domain": [("defect_id", "=", self.id)],
        }

    # -- detection (see crm.service.defect.rule._detect) ----------------------

    def _key(self):
        return (self.product_id.id, self.category_id.id or False,
                self.keyword or False)

    @api.model
    def _apply_clusters(self, clusters, rules, now):
        """Turn the clusters of lib.clustering into defects: new tickets join the
        open defect of their product and category, or make a new one when there
        are enough of them; a spike is announced once per window. Returns the
        defects created or updated."""
        if not clusters:
            return self.browse()
        rules_by_id = {rule.id: rule for rule in rules}
        open_defects = self.search([
            ("state", "in", OPEN_DEFECT_STATES),
            ("product_id", "in", list({c.product_id for c in clusters}))])
        by_key = {defect._key(): defect for defect in open_defects}
        # one message on the defect says which tickets joined, not one per ticket
        tickets = self.env["crm.service.ticket"].with_context(mail_notrack=True)
        touched = self.browse()
        for cluster in clusters:
            rule = rules_by_id[cluster.rule_id]
            key = (cluster.product_id, cluster.category_id or False,
                   cluster.keyword or False)
            new_tickets = tickets.browse(cluster.new_ticket_ids)
            defect = by_key.get(key)
            if defect:
                if new_tickets:
                    new_tickets.write({"defect_id": defect.id})
                    defect.message_post(body=_(
                        "%d more tickets joined this defect.") % len(new_tickets))
                    touched |= defect
            elif len(new_tickets) >= rule.min_tickets:
                defect = self.create(self._prepare_defect_vals(cluster, rule, now))
                new_tickets.write({"defect_id": defect.id})
                defect._notify_responsible()
                by_key[key] = defect
                touched |= defect
            if defect and cluster.spike and defect._spike_is_new(rule, now):
                defect._alert_spike(cluster, now)
                touched |= defect
        return touched

    @api.model
    def _prepare_defect_vals(self, cluster, rule, now):
        product = self.env["product.product"].browse(cluster.product_id)
        category = self.env["crm.service.category"].browse(cluster.category_id)
        name = " / ".join(part for part in (
            product.display_name, category.complete_name, cluster.keyword) if part)
        user = rule.user_id or rule.department_id.manager_id.user_id
        return {
            "name": name,
            "product_id": product.id,
            "category_id": category.id,
            "keyword": cluster.keyword or False,
            "rule_id": rule.id,
            "company_id": rule.company_id.id,
            "department_id": rule.department_id.id,
            "user_id": user.id,
            "detection_date": fields.Datetime.to_string(now),
            "due_date": fields.Date.to_string(now + timedelta(days=rule.resolve_days)),
            "description": _(
                "%(count)d tickets in %(days)d days (rule \"%(rule)s\": at least "
                "%(min)d).") % {"count": cluster.window_count,
                                "days": rule.window_days, "rule": rule.name,
                                "min": rule.min_tickets},
        }

    def _activity(self, user, summary, note, deadline):
        self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get(self._name).id,
            "res_id": self.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            "user_id": user.id,
            "summary": summary,
            "note": note,
            "date_deadline": deadline,
        })

    def _notify_responsible(self):
        self.ensure_one()
        if self.user_id:
            self._activity(
                self.user_id, _("Defect to investigate: %s") % self.name,
                self.description, self.due_date or fields.Date.context_today(self))
        else:
            self.message_post(body=_(
                "No responsible person: set one on the defect rule or a manager on "
                "the department."))

    def _spike_is_new(self, rule, now):
        """One alert per spike: none while the last one is younger than the
        rule's window."""
        self.ensure_one()
        if not self.last_spike_date:
            return True
        last = fields.Datetime.from_string(self.last_spike_date)
        return now - last >= timedelta(days=rule.window_days)

    def _alert_spike(self, cluster, now):
        """Announce a spike on the defect and to every service manager."""
        self.ensure_one()
        message = _(
            "Spike: %(count)d tickets in the last %(days)d days against an average "
            "of %(avg).1f in the windows before.") % {
                "count": cluster.window_count,
                "days": self.rule_id.window_days,
                "avg": cluster.baseline}
        self.message_post(body=message, subtype="mail.mt_comment")
        managers = self.env.ref("crm_core.group_service_manager").users.filtered(
            lambda user: user.active and not user.share)
        today = fields.Date.context_today(self)
        for manager in managers:
            self._activity(manager, _("Defect spike: %s") % self.name, message,
                           today)
        self.write({"last_spike_date": fields.Datetime.to_string(now),
                    "spike_count": self.spike_count + 1})
