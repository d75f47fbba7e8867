from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib.phone import normalize_company_name, normalize_email, normalize_phone

# who may see what a customer owes: sales, accounting, service, the call center and
# analysts (not marketing)
RECEIVABLE_READERS = ("sales_team.group_sale_salesman,account.group_account_invoice,"
                      "crm_core.group_analyst,crm_core.group_service_agent,"
                      "crm_core.group_callcenter_agent")

LIFECYCLE = [
    ("prospect", "Prospect"),
    ("interested", "Interested Prospect"),
    ("customer", "Active Customer"),
    ("lost", "Lost Customer"),
]


class ResPartner(models.Model):
    """The customer: level, lifecycle, source, code, owner or pool, follow-ups."""

    _inherit = "res.partner"
    # workflow-owned (issue 13): the owner, team and pool change by claim, release
    # and assignment; a rep's new customer is their own; the customer flag decides
    # whether the pool and the data scopes manage the partner
    _crm_guarded_fields = dict(
        dict.fromkeys(("user_id", "team_id", "pool_id", "customer"),
                      "crm_core.group_sale_team_leader"),
        active="sales_team.group_sale_salesman")
    _crm_guard_own = {"user_id": "user", "team_id": "team"}
    _crm_customer_data = True
    # the audit trail (models/auditlog.py)
    _crm_audited_fields = (
        "user_id", "team_id", "pool_id", "pool_state", "date_owned", "customer",
        "customer_level_id", "lifecycle_state", "credit_limit", "active")

    customer_code = fields.Char(copy=False, index=True, readonly=True)
    customer_level_id = fields.Many2one(
        "crm.dictionary.item", index=True,
        track_visibility="onchange",
        domain=[("dictionary_code", "=", "customer_level")])
    customer_source_id = fields.Many2one(
        "crm.dictionary.item",
        domain=[("dictionary_code", "=", "customer_source")])
    lifecycle_state = fields.Selection(
        LIFECYCLE, "Lifecycle", default="prospect", index=True,
        track_visibility="onchange",
        help="Prospect → Interested → Customer (automatic on the first confirmed "
             "order) → Lost (automatic after a configurable time without orders).")
    pool_id = fields.Many2one("crm.pool", index=True,
                              track_visibility="onchange")
    pool_state = fields.Selection(
        [("owned", "Owned"), ("pool", "In Pool")], index=True,
        readonly=True, copy=False, track_visibility="onchange")
    date_owned = fields.Datetime("Owned Since", readonly=True, copy=False)
    date_pooled = fields.Datetime("In Pool Since", readonly=True, copy=False)
    previous_owner_id = fields.Many2one("res.users", readonly=True, copy=False)
    share_ids = fields.One2many("crm.customer.share", "partner_id", "Shares")
    # The customer's scope, copied onto each of its contacts and indexed: the record
    # rules compare these columns of the row itself (a rule through
    # commercial_partner_id.* makes Odoo 11 list every matching id in Python).
    scope_user_id = fields.Many2one(
        "res.users", "Scope Owner", related="commercial_partner_id.user_id",
        store=True, index=True, readonly=True)
    scope_team_id = fields.Many2one(
        "crm.team", "Scope Team", related="commercial_partner_id.team_id",
        store=True, index=True, readonly=True)
    scope_pool_state = fields.Selection(
        related="commercial_partner_id.pool_state", store=True, index=True,
        readonly=True)
    shared_user_ids = fields.Many2many(
        "res.users", "res_partner_shared_user_rel", "partner_id", "user_id",
        "Shared With", compute="_compute_shared_users", store=True)
    shared_write_user_ids = fields.Many2many(
        "res.users", "res_partner_shared_write_user_rel", "partner_id", "user_id",
        "Shared for Editing With", compute="_compute_shared_users", store=True)
    followup_ids = fields.One2many("crm.followup", "partner_id", "Follow-ups")
    last_followup_date = fields.Datetime(
        "Last Follow-up", readonly=True, copy=False, index=True)
    next_followup_date = fields.Date("Next Follow-up", readonly=True, copy=False)
    followup_count = fields.Integer("Follow-ups", readonly=True, copy=False)
    pool_log_ids = fields.One2many(
        "crm.pool.log", "partner_id", "Pool History",
        groups="sales_team.group_sale_salesman,crm_core.group_analyst")
    # Normalized keys, indexed: duplicate detection and caller matching look them up
    # without scanning every phone field with a leading wildcard.
    phone_sanitized = fields.Char(
        "Phone (E.164)", compute="_compute_match_keys", store=True, index=True)
    mobile_sanitized = fields.Char(
        "Mobile (E.164)", compute="_compute_match_keys", store=True, index=True)
    email_normalized = fields.Char(
        compute="_compute_match_keys", store=True, index=True)
    name_key = fields.Char(
        compute="_compute_match_keys", store=True, index=True,
        help="The name without legal suffixes, spaces and punctuation.")
    crm_invoiced = fields.Monetary(
        "Invoiced (net)", compute="_compute_crm_receivable",
        currency_field="currency_id",
        groups=RECEIVABLE_READERS,
        help="Posted customer invoices less credit notes, taxes included, company "
             "currency.")
    crm_amount_due = fields.Monetary(
        "Amount Due", compute="_compute_crm_receivable", currency_field="currency_id",
        groups=RECEIVABLE_READERS,
        help="Left to pay on the posted invoices (credit notes deducted).")
    is_stale = fields.Boolean(
        "Stale", compute="_compute_is_stale", search="_search_is_stale",
        help="No follow-up for the number of days set in the CRM settings.")

    @api.multi
    @api.depends("phone", "mobile", "email", "name", "is_company", "country_id")
    def _compute_match_keys(self):
        for partner in self:
            region = partner.country_id.code or "CN"
            partner.phone_sanitized = normalize_phone(partner.phone, region)
            partner.mobile_sanitized = normalize_phone(partner.mobile, region)
            partner.email_normalized = normalize_email(partner.email)
            partner.name_key = normalize_company_name(partner.name) \
                if partner.is_company or not partner.parent_id else False

    @api.model
    def _find_by_keys(self, keys):
        """{key: partner ids} for dedupe keys ("phone"|"email"|"name", value), in
        one index-backed query; ``keys`` as made by lib.customer_import."""
        phones = [v for k, v in keys if k == "phone"]
        emails = [v for k, v in keys if k == "email"]
        names = [v for k, v in keys if k == "name"]
        if not (phones or emails or names):
            return {}
        self.env.cr.execute("""
            SELECT id, phone_sanitized, mobile_sanitized, email_normalized, name_key
              FROM res_partner
             WHERE active AND (phone_sanitized = ANY(%(p)s)
                OR mobile_sanitized = ANY(%(p)s) OR email_normalized = ANY(%(e)s)
                OR name_key = ANY(%(n)s))
        """, {"p": phones, "e": emails, "n": names})
        found = {}
        for pid, phone, mobile, email, name in self.env.cr.fetchall():
            for key in (("phone", phone), ("phone", mobile), ("email", email),
                        ("name", name)):
                if key in keys:
                    found.setdefault(key, set()).add(pid)
        return found

    @api.multi
    @api.depends("commercial_partner_id.share_ids.user_id",
                 "commercial_partner_id.share_ids.access",
                 "commercial_partner_id.share_ids.active")
    def _compute_shared_users(self):
        """Who the active shares of the customer open it and its contacts to: the
        record rules read these."""
        for partner in self:
            shares = partner.commercial_partner_id.share_ids.filtered("active")
            partner.shared_user_ids = shares.mapped("user_id")
            partner.shared_write_user_ids = shares.filtered(
                lambda s: s.access == "write").mapped("user_id")

    @api.multi
    def _compute_crm_receivable(self):
        """One grouped query over the invoices of all the partners' companies."""
        amounts = self.env["crm.finance"]._partner_amounts(
            self.mapped("commercial_partner_id").ids)
        for partner in self:
            partner.crm_invoiced, partner.crm_amount_due = amounts.get(
                partner.commercial_partner_id.id, (0.0, 0.0))

    @api.multi
    def action_view_open_invoices(self):
        """The customer's invoices and credit notes with something left to pay."""
        self.ensure_one()
        action = self.env.ref("account.action_invoice_tree1").read()[0]
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("type", "in", ("out_invoice", "out_refund")), ("state", "=", "open")]
        action["context"] = {"create": False}
        return action

    @api.model
    def _stale_days(self):
        params = self.env["ir.config_parameter"].sudo()  # sudo: a setting
        return int(params.get_param("crm_core.stale_days", 30))

    def _stale_limit(self):
        return fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now())
            - timedelta(days=self._stale_days()))

    @api.multi
    @api.depends("last_followup_date", "create_date")
    def _compute_is_stale(self):
        limit = self._stale_limit()
        for partner in self:
            last = partner.last_followup_date or partner.create_date
            partner.is_stale = bool(partner.customer and not partner.parent_id
                                    and last and last < limit)

    def _search_is_stale(self, operator, value):
        limit = self._stale_limit()
        stale = ["&", "&", ("customer", "=", True), ("parent_id", "=", False),
                 "|", ("last_followup_date", "<", limit),
                 "&", ("last_followup_date", "=", False), ("create_date", "<", limit)]
        if (operator == "=") == bool(value):
            return stale
        return ["!"] + stale

    @api.model
    def _pool_domain(self):
        """The partners a pool manages: customers that are companies or people on
        their own (contacts follow their company)."""
        return [("customer", "=", True), ("parent_id", "=", False)]

    # --- CRUD ------------------------------------------------------------------------

    @api.model
    def create(self, vals):
        vals = self._prepare_customer_vals(vals)
        vals = self._prepare_scope_vals(vals)
        return super(ResPartner, self).create(vals)

    @api.model
    def _prepare_scope_vals(self, vals):
        """The scope columns of a new partner (owner, team, pool state and shares
        of its customer), written by its INSERT: Odoo reads and writes a new
        record's computed fields, as the user and under the record rules, in no
        fixed order, so scope columns still empty then would refuse a rep creating
        a customer of their own, or a contact of one."""
        if {"scope_user_id", "scope_team_id", "scope_pool_state"} & set(vals):
            return vals
        if vals.get("parent_id") and not vals.get("is_company"):
            root = self.browse(vals["parent_id"]).commercial_partner_id
            return dict(
                vals, scope_user_id=root.user_id.id, scope_team_id=root.team_id.id,
                scope_pool_state=root.pool_state,
                shared_user_ids=[(6, 0, root.shared_user_ids.ids)],
                shared_write_user_ids=[(6, 0, root.shared_write_user_ids.ids)])
        return dict(vals, scope_user_id=vals.get("user_id") or False,
                    scope_team_id=vals.get("team_id") or False,
                    scope_pool_state=vals.get("pool_state") or False)

    @api.multi
    def write(self, vals):
        if vals.get("user_id") and "team_id" not in vals:
            # the customer follows its owner's team (team leaders see it)
            vals = dict(vals, team_id=self.env["res.users"].browse(
                vals["user_id"]).sale_team_id.id or False)
        return super(ResPartner, self).write(vals)

    @api.model
    def _prepare_customer_vals(self, vals):
        """Customers get a code, a pool, and a pool state (owned when a salesperson
        is set, else waiting in the pool)."""
        is_customer = vals.get("customer", self.default_get(["customer"]).get(
            "customer"))
        if not is_customer or vals.get("parent_id"):
            return vals
        vals = dict(vals)
        if not vals.get("customer_code"):
            sequences = self.env["ir.sequence"].sudo()  # sudo: configuration
            vals["customer_code"] = sequences.next_by_code("crm.customer.code")
        if not vals.get("pool_id"):
            pools = self.env["crm.pool"].sudo()  # sudo: configuration
            vals["pool_id"] = pools._default_pool().id or False
        if "user_id" not in vals and self._creator_owns_new_customers():
            vals["user_id"] = self.env.uid
        if not vals.get("pool_state"):
            vals["pool_state"] = "owned" if vals.get("user_id") else "pool"
        if vals.get("user_id") and not vals.get("team_id"):
            vals["team_id"] = self.env["res.users"].browse(
                vals["user_id"]).sale_team_id.id or False
        now = fields.Datetime.now()
        since = "date_owned" if vals["pool_state"] == "owned" else "date_pooled"
        vals.setdefault(since, now)
        return vals

    @api.model
    def _creator_owns_new_customers(self):
        """A rep who creates a customer owns it (我的客户); others' new customers wait
        in the pool."""
        user = self.env.user
        return (user.has_group("sales_team.group_sale_salesman")
                and not user.has_group("sales_team.group_sale_salesman_all_leads"))

    # --- follow-up statistics --------------------------------------------------------

    @api.multi
    def _update_followup_stats(self):
        """Recompute last/next follow-up dates and counts of these customers in one
        statement."""
        if not self.ids:
            return
        self.env.cr.execute("""
            UPDATE res_partner p
               SET last_followup_date = s.last_date,
                   next_followup_date = s.next_date,
                   followup_count = COALESCE(s.total, 0)
              FROM (SELECT q.id, max(f.date) AS last_date, count(f.id) AS total,
                           min(f.next_date) FILTER (WHERE f.next_date >= %s)
                               AS next_date
                      FROM res_partner q
                      LEFT JOIN crm_followup f ON f.partner_id = q.id
                     WHERE q.id IN %s
                     GROUP BY q.id) s
             WHERE p.id = s.id
        """, (fields.Date.today(), tuple(self.ids)))
        self.invalidate_cache(
            ["last_followup_date", "next_followup_date", "followup_count", "is_stale"],
            self.ids)

    # --- counters for the 360 view ---------------------------------------------------

    @api.multi
    def _compute_opportunity_count(self):
        """One grouped query for all partners (Odoo counts partner by partner); a
        company counts the opportunities of its contacts too."""
        groups = self.env["crm.lead"].read_group(
            [("type", "=", "opportunity"), ("partner_id", "child_of", self.ids)],
            ["partner_id"], ["partner_id"])
        direct = {g["partner_id"][0]: g["partner_id_count"] for g in groups}
        totals = {}
        for contact in self.browse(list(direct)):
            root = contact.commercial_partner_id.id
            totals[root] = totals.get(root, 0) + direct[contact.id]
        for partner in self:
            counts = totals if partner.is_company else direct
            partner.opportunity_count = counts.get(partner.id, 0)

    # --- pool actions ----------------------------------------------------------------

    def _check_pool_customers(self):
        outside = self.filtered(
            lambda p: not p.customer or p.parent_id or not p.pool_id)
        if outside:
            raise UserError(_(
                "%s is not a customer managed by a pool (contacts follow their "
                "company).") % ", ".join(outside.mapped("display_name")))
        system = self._crm_system_partners()
        if system:
            raise UserError(_(
                "%s belongs to a colleague or to the system (the public user, a "
                "user template): it is not a customer of the pool.")
                % ", ".join(system.mapped("display_name")))

    def _crm_system_partners(self):
        """The partners of ``self`` that are colleagues' or system users' own
        (internal users, inactive users such as the public user)."""
        if not self.ids:
            return self.browse()
        self.env.cr.execute("""
            SELECT DISTINCT partner_id FROM res_users
             WHERE partner_id IN %s AND (NOT share OR NOT active)
        """, (tuple(self.ids),))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.multi
    def action_pool_claim(self):
        """Claim (领取) these pool customers for yourself. A customer someone else
        claimed a moment ago is no longer visible to the rep: the checks read it as
        superuser so that the rep learns it was claimed, not an access error."""
        partners = self.sudo()  # sudo: pool checks; the rep picked them in the pool
        partners._check_pool_customers()
        for pool in partners.mapped("pool_id"):
            pool.sudo(self.env.user)._claim(
                partners.filtered(lambda p: p.pool_id == pool), self.env.user)
        return True

    @api.multi
    def action_pool_release(self):
        """Open the release dialog (退回)."""
        self._check_pool_customers()
        return {
            "type": "ir.actions.act_window",
            "name": _("Release to the Pool"),
            "res_model": "res.partner.pool.release",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": self.ids},
        }

    @api.multi
    def action_pool_assign(self):
        """Open the assign dialog (分配) for managers."""
        self._check_pool_customers()
        return {
            "type": "ir.actions.act_window",
            "name": _("Assign Customers"),
            "res_model": "res.partner.pool.assign",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": self.ids},
        }

    # --- "why can I see this?" -----------------------------------------------------

    @api.multi
    def _explain_access(self, user):
        """The reasons ``user`` may read this partner, each naming the data scope or
        share behind it (the same conditions as res.users._crm_scope_domain(), which
        the record rules apply; a test keeps the two in step). Empty: no access."""
        self.ensure_one()
        partner = self.sudo()  # sudo: explaining access must read past it
        root = partner.commercial_partner_id
        scopes, pool, rows = user._crm_data_scope("customer")

        def roles(scope):
            return ", ".join(rows.filtered(lambda r: r.customer_scope == scope)
                             .mapped("group_id.full_name"))

        if "all" in scopes:
            if not rows:
                return [_("Your roles have no data scope for customers: they are not "
                          "narrowed.")]
            return [_("Your role %s sees every customer (data scope: all).")
                    % roles("all")]
        if not partner.customer:
            return [_("Not a customer (a supplier, colleague or company): every "
                      "employee sees it.")]
        reasons = []
        if root.user_id == user:
            reasons.append(_("You own this customer."))
        if pool and root.pool_state == "pool":
            reasons.append(_("It waits in the pool %s: read-only until you claim it.")
                           % root.pool_id.name)
        for share in root.share_ids.filtered(lambda s: s.user_id == user and s.active):
            reasons.append(_(
                "%(by)s shared it with you (%(access)s) until %(until)s.") % {
                    "by": share.shared_by_id.name,
                    "access": dict(share._fields["access"]._description_selection(
                        self.env))[share.access],
                    "until": share.date_expiry or _("further notice")})
        if "team" in scopes and root.team_id.id in user._crm_team_ids():
            reasons.append(_("It belongs to your sales team %(team)s (data scope of "
                             "%(roles)s: own team).") % {"team": root.team_id.name,
                                                         "roles": roles("team")})
        if "department" in scopes and root.user_id and root.user_id != user and \
                root.user_id.id in user._crm_department_user_ids():
            reasons.append(_(
                "Its owner %(owner)s works in your department or one below it (data "
                "scope of %(roles)s: department and sub-departments).") % {
                    "owner": root.user_id.name, "roles": roles("department")})
        return reasons

    @api.multi
    def action_explain_access(self):
        """Why can I see this? (opens a dialog naming the rule or share)"""
        self.ensure_one()
        reasons = self._explain_access(self.env.user)
        text = "\n".join("• %s" % r for r in reasons) or _(
            "You cannot see this customer.")
        wizard = self.env["res.partner.access.explain"].create(
            {"partner_id": self.id, "explanation": text})
        return {
            "type": "ir.actions.act_window",
            "name": _("Why can I see this?"),
            "res_model": "res.partner.access.explain",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _cron_lifecycle_lost(self):
        """Customers with no confirmed order for the configured number of days
        become lost (one write)."""
        params = self.env["ir.config_parameter"].sudo()  # sudo: a setting
        days = int(params.get_param("crm_core.lost_after_days", 365))
        limit = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days))
        self.env.cr.execute("""
            SELECT p.id FROM res_partner p
             WHERE p.lifecycle_state = 'customer' AND p.parent_id IS NULL
               AND NOT EXISTS (
                   SELECT 1 FROM sale_order so
                   JOIN res_partner c ON c.id = so.partner_id
                   WHERE c.commercial_partner_id = p.id
                     AND so.state IN ('sale', 'done')
                     AND so.confirmation_date >= %s)
        """, (limit,))
        lost = self.browse([row[0] for row in self.env.cr.fetchall()])
        lost.write({"lifecycle_state": "lost"})
        return True
