from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.safe_eval import safe_eval

STATES = [("draft", "Draft"), ("running", "Running"), ("done", "Done")]
#: the customers of a mailing list: its contacts not opted out, by e-mail
MAILING_LIST_CONDITION = """EXISTS (
    SELECT 1 FROM mail_mass_mailing_contact c
      JOIN mail_mass_mailing_contact_list_rel r ON r.contact_id = c.id
     WHERE r.list_id = %s AND NOT COALESCE(c.opt_out, false)
       AND lower(trim(c.email)) = "res_partner".email_normalized)"""
SOURCES = [("domain", "Customer Filter"), ("mailing_list", "Mailing List")]


class CrmCallcenterCallList(models.Model):
    """An outbound call list (外呼名单, 智能外拨): customers to call for a campaign,
    taken from a filter on customers or from a mailing list, worked in preview
    dialing by the list's agents; do-not-call customers are excluded from the
    consent ledger, unanswered calls retried by the list's rules."""

    _name = "crm.callcenter.call.list"
    _description = "Outbound Call List"
    _order = "id desc"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True,
                             copy=False, index=True, track_visibility="onchange")
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    user_id = fields.Many2one("res.users", "Responsible",
                              default=lambda self: self.env.user, index=True)
    campaign_id = fields.Many2one("utm.campaign", index=True)
    connection_id = fields.Many2one("crm.callcenter.connection", "Phone System",
                                    required=True, ondelete="restrict")
    queue_id = fields.Many2one("crm.callcenter.queue",
                               help="Its agents work the list, besides the agents "
                                    "named here.")
    agent_ids = fields.Many2many(
        "crm.callcenter.agent", "crm_callcenter_call_list_agent_rel", "list_id",
        "agent_id", "Agents")
    source = fields.Selection(SOURCES, required=True, default="domain")
    partner_domain = fields.Char("Customers to Call", default="[]",
                                 help="A filter on customers and contacts.")
    mailing_list_id = fields.Many2one(
        "mail.mass_mailing.list",
        help="Its contacts (not opted out) are matched to customers by e-mail.")
    purpose = fields.Selection(
        [("marketing", "Marketing"), ("service", "Service")], default="marketing",
        required=True,
        help="The consent purpose checked for each customer (do-not-call).")
    max_attempts = fields.Integer("Maximum Attempts", default=3, required=True)
    retry_no_answer_minutes = fields.Integer("Retry after No Answer (min)",
                                             default=120, required=True)
    retry_busy_minutes = fields.Integer("Retry after Busy (min)", default=15,
                                        required=True)
    call_hour_from = fields.Float("Call from", default=9.0, required=True,
                                  help="Local time of the phone system.")
    call_hour_to = fields.Float("Call until", default=20.0, required=True)
    entry_ids = fields.One2many("crm.callcenter.call.list.entry", "list_id",
                                "Entries")
    entry_count = fields.Integer("Entries", compute="_compute_counts")
    pending_count = fields.Integer("To Call", compute="_compute_counts")
    done_count = fields.Integer("Reached", compute="_compute_counts")
    failed_count = fields.Integer("Failed", compute="_compute_counts")
    excluded_count = fields.Integer("Excluded", compute="_compute_counts")

    @api.multi
    def _compute_counts(self):
        """Counters from one read_group."""
        groups = self.env["crm.callcenter.call.list.entry"].read_group(
            [("list_id", "in", self.ids)], ["list_id", "state"],
            ["list_id", "state"], lazy=False)
        counts = {}
        for group in groups:
            key = (group["list_id"][0], group["state"])
            counts[key] = group["__count"]
        for call_list in self:
            get = lambda state: counts.get((call_list.id, state), 0)  # noqa: E731
            call_list.pending_count = get("pending") + get("in_progress")
            call_list.done_count = get("done")
            call_list.failed_count = get("failed")
            call_list.excluded_count = get("excluded")
            call_list.entry_count = sum(
                count for (list_id, _state), count in counts.items()
                if list_id == call_list.id)

    @api.constrains("max_attempts", "retry_no_answer_minutes", "retry_busy_minutes",
                    "call_hour_from", "call_hour_to")
    def _check_rules(self):
        for call_list in self:
            if call_list.max_attempts < 1:
                raise ValidationError(_("Maximum attempts: at least 1."))
            if min(call_list.retry_no_answer_minutes,
                   call_list.retry_busy_minutes) < 0:
                raise ValidationError(_("Retry delays: give minutes, 0 or more."))
            if not (0 <= call_list.call_hour_from < call_list.call_hour_to <= 24):
                raise ValidationError(_("Calling hours: \"Call from\" must be before "
                                        "\"Call until\", both between 0:00 and "
                                        "24:00."))

    @api.constrains("source", "partner_domain", "mailing_list_id")
    def _check_source(self):
        for call_list in self:
            if call_list.source == "mailing_list" and not call_list.mailing_list_id:
                raise ValidationError(_("Mailing list: choose the list to call."))
            if call_list.source == "domain":
                call_list._partner_domain()

    def _partner_domain(self):
        try:
            domain = safe_eval(self.partner_domain or "[]", {"uid": self.env.uid})
            self.env["res.partner"]._where_calc(domain)
        except Exception as error:  # any mistake in a filter typed by a user
            raise ValidationError(_("Customers to call: the filter cannot be read "
                                    "(%s).") % error)
        return domain

    # --- generating the entries -----------------------------------------------------

    @api.multi
    def action_generate(self):
        """Add the customers of the source who are not on the list yet, in one
        INSERT ... SELECT (the user's record rules on customers apply); then mark
        as excluded, with the reason, those without a number, with the number of
        an earlier entry, or who may not be called (consent ledger)."""
        for call_list in self:
            if call_list.state == "done":
                raise UserError(_("The list %s is done.") % call_list.name)
            call_list._insert_entries()
            call_list._exclude_entries()
        return True

    def _source_query(self):
        """(FROM clause, WHERE clause, params) of the customers of the source, as
        the current user may read them; the clauses are the ORM's (a mailing
        list's condition is a constant of this module), the values in params."""
        Partner = self.env["res.partner"]
        Partner.check_access_rights("read")
        if self.source == "mailing_list":
            query = Partner._where_calc([("email_normalized", "!=", False)])
        else:
            query = Partner._where_calc(self._partner_domain())
        Partner._apply_ir_rules(query, "read")
        from_clause, where_clause, params = query.get_sql()
        where = sql.SQL(where_clause or "TRUE")
        params = list(params)
        if self.source == "mailing_list":
            where = sql.SQL(" AND ").join([where, sql.SQL(MAILING_LIST_CONDITION)])
            params.append(self.mailing_list_id.id)
        return sql.SQL(from_clause), where, params

    def _insert_entries(self):
        """Entries in customer order, so that of two customers sharing a number
        the older one keeps it (whatever order the rows lie in on disk)."""
        from_clause, where_clause, params = self._source_query()
        now = fields.Datetime.now()
        query = sql.SQL("""
            INSERT INTO crm_callcenter_call_list_entry
                   (list_id, partner_id, phone, priority, attempts, state,
                    create_uid, write_uid, create_date, write_date)
            SELECT %s, "res_partner".id,
                   COALESCE("res_partner".mobile_sanitized,
                            "res_partner".phone_sanitized),
                   0, 0, 'pending', %s, %s, %s, %s
              FROM {from_clause}
             WHERE ({where_clause})
               AND NOT EXISTS (SELECT 1 FROM crm_callcenter_call_list_entry e
                                WHERE e.list_id = %s
                                  AND e.partner_id = "res_partner".id)
             ORDER BY "res_partner".id
        """).format(from_clause=from_clause, where_clause=where_clause)
        self.env.cr.execute(query, [self.id, self.env.uid, self.env.uid, now, now]
                            + params + [self.id])
        self.env["crm.callcenter.call.list.entry"].invalidate_cache()
        return self.env.cr.rowcount

    def _exclude_entries(self):
        """Mark pending entries excluded: no number, a number already on the list,
        or no consent to be called for the list's purpose."""
        Entry = self.env["crm.callcenter.call.list.entry"]
        self.env.cr.execute("""
            UPDATE crm_callcenter_call_list_entry
               SET state = 'excluded', exclusion_reason = %s
             WHERE list_id = %s AND state = 'pending' AND phone IS NULL
        """, (_("no phone number"), self.id))
        self.env.cr.execute("""
            UPDATE crm_callcenter_call_list_entry e
               SET state = 'excluded', exclusion_reason = %s
              FROM crm_callcenter_call_list_entry first
             WHERE e.list_id = %s AND e.state = 'pending'
               AND first.list_id = e.list_id AND first.phone = e.phone
               AND first.id < e.id AND first.state != 'excluded'
        """, (_("same number as another entry"), self.id))
        self.env.cr.execute("""
            SELECT partner_id FROM crm_callcenter_call_list_entry
             WHERE list_id = %s AND state = 'pending'
        """, (self.id,))
        partners = self.env["res.partner"].browse(
            [row[0] for row in self.env.cr.fetchall()])
        _allowed, excluded = self.env["crm.consent"].check(
            partners, "phone", self.purpose)
        by_reason = {}
        for partner_id, reason in excluded.items():
            by_reason.setdefault(reason, []).append(partner_id)
        for reason, partner_ids in by_reason.items():
            self.env.cr.execute("""
                UPDATE crm_callcenter_call_list_entry
                   SET state = 'excluded', exclusion_reason = %s
                 WHERE list_id = %s AND state = 'pending'
                   AND partner_id = ANY(%s)
            """, (_("do not call: %s") % reason, self.id, partner_ids))
        Entry.invalidate_cache()

    # --- states ---------------------------------------------------------------------

    @api.multi
    def action_start(self):
        if self.filtered(lambda cl: cl.state != "draft"):
            raise UserError(_("Only a draft list can be started."))
        for call_list in self:
            if not call_list.pending_count:
                raise UserError(_("The list %s has nobody to call: generate its "
                                  "entries first.") % call_list.name)
            if not call_list._worker_agents():
                raise UserError(_("Agents: the list %s needs agents, or a queue "
                                  "with agents.") % call_list.name)
        return self.write({"state": "running"})

    @api.multi
    def action_done(self):
        if self.filtered(lambda cl: cl.state != "running"):
            raise UserError(_("Only a running list can be closed."))
        return self.write({"state": "done"})

    @api.multi
    def action_reset(self):
        if self.filtered(lambda cl: cl.state != "done"):
            raise UserError(_("Only a closed list can be reopened."))
        return self.write({"state": "running"})

    def _worker_agents(self):
        return self.agent_ids | self.queue_id.agent_ids

    @api.multi
    def action_open_entries(self):
        self.ensure_one()
        action = self.env.ref(
            "crm_callcenter.crm_callcenter_call_list_entry_action").read()[0]
        action["domain"] = [("list_id", "=", self.id)]
        action["context"] = {"default_list_id": self.id}
        return action
