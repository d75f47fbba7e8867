import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import fairness

_logger = logging.getLogger(__name__)


class CrmPool(models.Model):
    """An open customer pool (公海): the customers nobody owns, the rules by which
    reps claim them, and the rules by which neglected customers come back to it."""

    _name = "crm.pool"
    _description = "Customer Pool"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.user.company_id)
    is_default = fields.Boolean(
        "Default Pool",
        help="Customers created without a salesperson belong to this pool.")
    team_ids = fields.Many2many(
        "crm.team", string="Sales Teams",
        help="Members of these teams may claim from this pool; empty: every "
             "salesperson.")
    member_ids = fields.One2many("crm.pool.member", "pool_id", string="Members")
    # Claim rules (领取规则)
    max_owned = fields.Integer(
        "Max Customers per Rep", track_visibility="onchange",
        help="A rep who owns this many customers of the pool cannot claim more. "
             "0: no limit.")
    max_claims_per_day = fields.Integer(
        "Max Claims per Day", track_visibility="onchange", help="0: no limit.")
    reclaim_cooldown_days = fields.Integer(
        "Reclaim Cooldown (days)", track_visibility="onchange",
        help="Days before the previous owner may claim a customer they released or "
             "lost to recycling.")
    protect_new_days = fields.Integer(
        "New Owner Protection (days)", track_visibility="onchange",
        help="A customer its owner got less than this many days ago is never "
             "recycled.")
    # Recycle rules (回收规则)
    recycle_no_followup_days = fields.Integer(
        "Recycle without Follow-up (days)", track_visibility="onchange",
        help="Owned customers with no follow-up for this many days return to the "
             "pool. 0: rule off.")
    recycle_no_won_days = fields.Integer(
        "Recycle without Won Deal (days)", track_visibility="onchange",
        help="Owned customers with no won opportunity for this many days return to "
             "the pool. 0: rule off.")
    recycle_warn_days = fields.Integer(
        "Warn Before Recycling (days)", default=3,
        help="The owner gets an activity this many days before recycling.")
    # Distribution of pool customers
    distribution_mode = fields.Selection(
        [("manual", "Manual Claim"), ("round_robin", "Round Robin"),
         ("fair_random", "Fair Random")],
        default="manual", required=True, track_visibility="onchange")
    distribution_seed = fields.Integer(
        default=1, help="Seed of the fair random draw: the same seed gives the same "
                        "distribution, so a draw can be audited.")
    last_assigned_user_id = fields.Many2one("res.users", readonly=True)
    # Statistics
    pool_count = fields.Integer("In Pool", compute="_compute_counts")
    owned_count = fields.Integer("Owned", compute="_compute_counts")
    allocation_gini = fields.Float(
        compute="_compute_allocation_gini", digits=(4, 3),
        help="0: every member got as many customers from the pool as the others; "
             "towards 1: a few members got most of them.")

    @api.multi
    def _compute_counts(self):
        groups = self.env["res.partner"].read_group(
            [("pool_id", "in", self.ids)] + self.env["res.partner"]._pool_domain(),
            ["pool_id", "pool_state"], ["pool_id", "pool_state"], lazy=False)
        counts = {(g["pool_id"][0], g["pool_state"]): g["__count"] for g in groups}
        for pool in self:
            pool.pool_count = counts.get((pool.id, "pool"), 0)
            pool.owned_count = counts.get((pool.id, "owned"), 0)

    @api.multi
    def _compute_allocation_gini(self):
        """Gini of the allocations (claims, assignments, distributions) over the
        pool's members, members with none counting as zero."""
        groups = self.env["crm.pool.log"].read_group(
            [("pool_id", "in", self.ids), ("action", "in", self._allocation_actions())],
            ["pool_id", "owner_id"], ["pool_id", "owner_id"], lazy=False)
        per_pool = {}
        for group in groups:
            if group["owner_id"]:
                per_pool.setdefault(group["pool_id"][0], {})[group["owner_id"][0]] = \
                    group["__count"]
        for pool in self:
            allocations = per_pool.get(pool.id, {})
            members = set(pool._claimers().ids) | set(allocations)
            pool.allocation_gini = fairness.gini(
                [allocations.get(user_id, 0) for user_id in members])

    @api.model
    def _allocation_actions(self):
        return ["claim", "assign", "distribute"]

    # --- who may claim ---------------------------------------------------------------

    @api.multi
    def _claimers(self):
        """Users who may claim from this pool: its teams' members and leaders, or
        every salesperson when it names no team."""
        self.ensure_one()
        # one search of ids: reading the users' records would read their partners too
        users = self.env["res.users"].sudo()  # sudo: who is in the teams, no data
        if self.team_ids:
            leaders = self.team_ids.mapped("user_id").ids
            found = users.search(["|", ("sale_team_id", "in", self.team_ids.ids),
                                  ("id", "in", leaders)])
        else:
            group = self.env.ref("sales_team.group_sale_salesman")
            found = users.search([("groups_id", "in", group.id),
                                  ("share", "=", False)])
        return self.env["res.users"].browse(found.ids)

    @api.model
    def _default_pool(self, company=None):
        company = company or self.env.user.company_id
        return self.search([("is_default", "=", True), ("company_id", "=", company.id)],
                           limit=1)

    # --- claim, release, assign ------------------------------------------------------

    def _lock_partners(self, partners):
        """Lock the customers' rows for this transaction and return their state as
        stored now. A concurrent claim that committed first makes PostgreSQL refuse
        this one (serialization failure); Odoo then retries the request, which sees
        the customer owned."""
        self.env.cr.execute(
            "SELECT id, pool_state, user_id FROM res_partner WHERE id IN %s "
            "ORDER BY id FOR UPDATE", (tuple(partners.ids),))
        return {row[0]: (row[1], row[2]) for row in self.env.cr.fetchall()}

    def _owned_count(self, user):
        self.env.cr.execute(
            "SELECT count(*) FROM res_partner WHERE pool_id = %s AND user_id = %s "
            "AND pool_state = 'owned' AND active", (self.id, user.id))
        return self.env.cr.fetchone()[0]

    @api.multi
    def _claim(self, partners, user):
        """``user`` claims ``partners`` (all in this pool) under the pool's rules."""
        self.ensure_one()
        if user not in self._claimers():
            raise UserError(_("You are not a member of the pool %s.") % self.name)
        member = self.env["crm.pool.member"]._lock_for(self, user)
        states = self._lock_partners(partners)
        taken = partners.filtered(lambda p: states[p.id][0] != "pool")
        if taken:
            raise UserError(_("Already claimed by someone else: %s")
                            % ", ".join(taken.mapped("name")))
        now = fields.Datetime.from_string(fields.Datetime.now())
        if self.reclaim_cooldown_days:
            since = now - timedelta(days=self.reclaim_cooldown_days)
            cooling = partners.filtered(
                lambda p: p.previous_owner_id == user and p.date_pooled
                and fields.Datetime.from_string(p.date_pooled) > since)
            if cooling:
                raise UserError(_(
                    "You released or lost %(customers)s less than %(days)d days ago; "
                    "another rep may claim it first.")
                    % {"customers": ", ".join(cooling.mapped("name")),
                       "days": self.reclaim_cooldown_days})
        if self.max_owned and self._owned_count(user) + len(partners) > self.max_owned:
            raise UserError(_(
                "You may own at most %(max)d customers of the pool %(pool)s.")
                % {"max": self.max_owned, "pool": self.name})
        today = fields.Date.today()
        today_claims = member.claims_today if member.claims_date == today else 0
        if self.max_claims_per_day and \
                today_claims + len(partners) > self.max_claims_per_day:
            raise UserError(_(
                "You may claim at most %(max)d customers a day from the pool "
                "%(pool)s (already %(today)d today).")
                % {"max": self.max_claims_per_day, "pool": self.name,
                   "today": today_claims})
        member.sudo().write({  # sudo: reps do not edit pool members
            "claims_today": today_claims + len(partners),
            "claims_date": fields.Date.today(),
        })
        self._give(partners, user, "claim", _("claimed from the pool"))

    @api.multi
    def _give(self, partners, user, action, reason, logs=None):
        """Make ``user`` the owner of ``partners`` and log it (one write)."""
        self.ensure_one()
        previous = {p.id: p.user_id.id for p in partners}
        partners.sudo().write({  # sudo: the pool rules above decided
            "user_id": user.id,
            "pool_state": "owned",
            "date_owned": fields.Datetime.now(),
            "team_id": user.sale_team_id.id or False,
        })
        self.env["crm.pool.log"]._log_many(logs or [
            {"partner_id": p.id, "pool_id": self.id, "action": action,
             "owner_id": user.id, "previous_owner_id": previous[p.id] or None,
             "reason": reason}
            for p in partners])

    @api.multi
    def _release(self, partners, action, reason):
        """Return ``partners`` to this pool (one write, logged)."""
        self.ensure_one()
        previous = {p.id: p.user_id.id for p in partners}
        self.env.cr.execute(
            "UPDATE res_partner SET previous_owner_id = user_id "
            "WHERE id IN %s AND user_id IS NOT NULL", (tuple(partners.ids),))
        partners.invalidate_cache(["previous_owner_id"], partners.ids)
        partners.sudo().write({  # sudo: callers checked who may release
            "pool_state": "pool",
            "user_id": False,
            "date_pooled": fields.Datetime.now(),
        })
        self.env["crm.pool.log"]._log_many([
            {"partner_id": p.id, "pool_id": self.id, "action": action,
             "owner_id": None, "previous_owner_id": previous[p.id] or None,
             "reason": reason}
            for p in partners])

    # --- distribution ---------------------------------------------------------------

    @api.multi
    def action_distribute(self):
        """Hand the customers waiting in the pool to its members, by the pool's
        distribution mode, within their capacity; every allocation is logged with
        its reason."""
        for pool in self:
            if pool.distribution_mode == "manual":
                raise UserError(_(
                    "The pool %s is set to manual claim: choose round robin or fair "
                    "random to distribute it.") % pool.name)
            pool._distribute()
        return True

    def _distribute(self):
        partners = self.env["res.partner"].search(
            [("pool_id", "=", self.id), ("pool_state", "=", "pool")]
            + self.env["res.partner"]._pool_domain(), order="date_pooled, id")
        members = self._claimers().sorted("id")
        if not partners or not members:
            return
        loads = {}
        groups = self.env["res.partner"].read_group(
            [("pool_id", "=", self.id), ("pool_state", "=", "owned"),
             ("user_id", "in", members.ids)], ["user_id"], ["user_id"])
        for group in groups:
            loads[group["user_id"][0]] = group["user_id_count"]
        ids = [m.id for m in members]
        cap = self.max_owned or None
        if self.distribution_mode == "round_robin":
            pairs = self._round_robin(partners.ids, ids, loads, cap,
                                      self.last_assigned_user_id.id)
        else:
            pairs, _unassigned = fairness.fair_random(
                partners.ids, ids, self.distribution_seed, loads=loads, capacity=cap)
        names = dict(members.mapped(lambda u: (u.id, u.name)))
        logs, by_user = {}, {}
        previous = self.last_assigned_user_id.id
        for partner_id, user_id in pairs:
            if self.distribution_mode == "round_robin":
                reason = _("round robin: the turn after %s") % names.get(previous, "-")
            else:
                reason = _("fair random (seed %(seed)d): lowest load, %(load)d "
                           "customers") % {"seed": self.distribution_seed,
                                           "load": loads.get(user_id, 0)}
            loads[user_id] = loads.get(user_id, 0) + 1
            previous = user_id
            by_user.setdefault(user_id, []).append(partner_id)
            logs.setdefault(user_id, []).append({
                "partner_id": partner_id, "pool_id": self.id, "action": "distribute",
                "owner_id": user_id, "previous_owner_id": None, "reason": reason})
        Partner = self.env["res.partner"]
        for user_id, partner_ids in by_user.items():
            owner = self.env["res.users"].browse(user_id)
            self._give(Partner.browse(partner_ids), owner, "distribute", "",
                       logs=logs[user_id])
        if pairs:
            self.sudo().last_assigned_user_id = pairs[-1][1]  # sudo: bookkeeping

    @staticmethod
    def _round_robin(items, members, loads, cap, start_after):
        """Round robin that skips members at capacity: batches of ``smallest room x
        open members`` keep every member's share equal within a batch."""
        loads = dict(loads)
        queue, pairs, last = list(items), [], start_after
        while queue:
            open_ids = [u for u in members if not cap or loads.get(u, 0) < cap]
            if not open_ids:
                break
            size = len(queue)
            if cap:
                size = min(size, min(cap - loads.get(u, 0) for u in open_ids)
                           * len(open_ids))
            batch, queue = queue[:size], queue[size:]
            for item, user_id in fairness.round_robin(batch, open_ids,
                                                      start_after=last):
                pairs.append((item, user_id))
                loads[user_id] = loads.get(user_id, 0) + 1
                last = user_id
        return pairs

    # --- recycling ------------------------------------------------------------------

    @api.model
    def _cron_recycle(self):
        """Daily: warn owners of customers about to be recycled, then return the
        customers that broke a recycle rule to their pool. Safe to run twice."""
        return self.search([("active", "=", True)]).action_recycle_now()

    @api.multi
    def action_recycle_now(self):
        """Warn, then recycle, pool by pool (the button and the daily job)."""
        for pool in self:
            pool._recycle_warn()
            pool._recycle()
        return True

    def _recycle_exclusion_sql(self):
        """SQL conditions on ``p`` (the customer) that keep it from being recycled:
        open quotations and orders, unpaid invoices. Other addons add theirs."""
        return [
            """NOT EXISTS (
                SELECT 1 FROM sale_order so
                JOIN res_partner c ON c.id = so.partner_id
                WHERE c.commercial_partner_id = p.id
                  AND so.state IN ('draft', 'sent', 'sale')
                  AND so.invoice_status != 'invoiced')""",
            """NOT EXISTS (
                SELECT 1 FROM account_invoice ai
                WHERE ai.commercial_partner_id = p.id
                  AND ai.type = 'out_invoice' AND ai.state = 'open')""",
        ]

    def _recycle_candidates(self, ahead_days=0):
        """Ids of owned customers of this pool that break a recycle rule
        ``ahead_days`` from now, the exclusions left out. Without ``ahead_days``
        (the customers to recycle now), only customers whose owner was warned at
        least the pool's warning days ago: nobody loses a customer unwarned."""
        if not (self.recycle_no_followup_days or self.recycle_no_won_days):
            return []
        now = fields.Datetime.from_string(fields.Datetime.now()) \
            + timedelta(days=ahead_days)
        rules = []
        params = {"pool": self.id,
                  "protect": now - timedelta(days=ahead_days + self.protect_new_days)}
        warned = []
        if not ahead_days and self.recycle_warn_days:
            params["warned"] = now - timedelta(days=self.recycle_warn_days)
            warned.append("""EXISTS (
                SELECT 1 FROM crm_pool_log g
                WHERE g.partner_id = p.id AND g.action = 'warn'
                  AND g.date >= COALESCE(p.date_owned, p.create_date)
                  AND g.date <= %(warned)s)""")
        if self.recycle_no_followup_days:
            params["nf"] = now - timedelta(days=self.recycle_no_followup_days)
            rules.append(
                "COALESCE(p.last_followup_date, p.date_owned, p.create_date) < %(nf)s")
        if self.recycle_no_won_days:
            params["nw"] = now - timedelta(days=self.recycle_no_won_days)
            rules.append("""(COALESCE(p.date_owned, p.create_date) < %(nw)s
                AND NOT EXISTS (
                    SELECT 1 FROM crm_lead l JOIN res_partner c ON c.id = l.partner_id
                    WHERE c.commercial_partner_id = p.id AND l.probability >= 100
                      AND l.type = 'opportunity' AND l.date_closed >= %(nw)s))""")
        query = """
            SELECT p.id FROM res_partner p
            WHERE p.pool_id = %(pool)s AND p.pool_state = 'owned' AND p.active
              AND p.customer AND p.parent_id IS NULL
              AND (p.date_owned IS NULL OR p.date_owned < %(protect)s)
              AND ({rules})
              AND {exclusions}
            ORDER BY p.id
        """.format(rules=" OR ".join(rules),  # sql-safe: fixed fragments above
                   exclusions=" AND ".join(self._recycle_exclusion_sql()
                                           + warned))
        self.env.cr.execute(query, params)  # sql-safe: values are parameters
        return [row[0] for row in self.env.cr.fetchall()]

    def _recycle(self):
        ids = self._recycle_candidates()
        if not ids:
            return self.env["res.partner"]
        partners = self.env["res.partner"].browse(ids)
        self._release(partners, "recycle", _("recycled by the pool's rules"))
        _logger.info("Pool %s: recycled %d customers", self.name, len(ids))
        return partners

    def _recycle_warn(self):
        """One activity per owner and customer, once per ownership period."""
        if not self.recycle_warn_days:
            return self.env["res.partner"]
        ids = set(self._recycle_candidates(ahead_days=self.recycle_warn_days))
        if not ids:
            return self.env["res.partner"]
        self.env.cr.execute("""
            SELECT p.id FROM res_partner p
            WHERE p.id IN %s AND NOT EXISTS (
                SELECT 1 FROM crm_pool_log g
                WHERE g.partner_id = p.id AND g.action = 'warn'
                  AND g.date >= COALESCE(p.date_owned, p.create_date))
        """, (tuple(ids),))
        partners = self.env["res.partner"].browse(
            [row[0] for row in self.env.cr.fetchall()])
        if not partners:
            return partners
        deadline = fields.Date.to_string(
            fields.Date.from_string(fields.Date.today())
            + timedelta(days=self.recycle_warn_days))
        todo = self.env.ref("mail.mail_activity_data_todo")
        model = self.env["ir.model"]._get("res.partner")
        for partner in partners:
            self.env["mail.activity"].sudo().create({  # sudo: system warning
                "res_model_id": model.id,
                "res_id": partner.id,
                "activity_type_id": todo.id,
                "user_id": partner.user_id.id,
                "date_deadline": deadline,
                "summary": _("Follow up or this customer returns to the pool %s")
                % self.name,
            })
        self.env["crm.pool.log"]._log_many([
            {"partner_id": p.id, "pool_id": self.id, "action": "warn",
             "owner_id": p.user_id.id or None, "previous_owner_id": None,
             "reason": _("recycling due on %s") % deadline}
            for p in partners])
        return partners
