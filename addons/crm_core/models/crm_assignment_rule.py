import logging
import random
import time
from datetime import datetime, timedelta

import pytz
from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from ..lib import assignment

_logger = logging.getLogger(__name__)

METHODS = [
    (assignment.ROUND_ROBIN, "Round Robin"),
    (assignment.LOAD_BALANCED, "Load Balanced"),
]
TRIGGERS = [
    ("create", "On Creation"),
    ("manual", "Assign Button"),
    ("cron", "Scheduled Job"),
    ("form", "Web Form"),
]
# An open lead or opportunity, in every query below: not archived (lost) and not won
# ("l.active AND COALESCE(l.probability, 0) < 100").


def _random_seed():
    return random.SystemRandom().randint(1, 999999)


class CrmAssignmentRule(models.Model):
    """Which new leads of a sales team go to whom (线索分配规则): conditions a
    consultant picks from lists (region, source, industry, customer level) or an
    advanced domain, members with a capacity each, and round robin or load
    balancing. The first matching rule with room, by sequence, assigns a lead."""

    _name = "crm.assignment.rule"
    _description = "Lead Assignment Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, track_visibility="onchange")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, track_visibility="onchange")
    team_id = fields.Many2one(
        "crm.team", "Sales Team", required=True, index=True, ondelete="cascade",
        track_visibility="onchange",
        help="The rule assigns this team's leads without a salesperson; assigned "
             "leads keep or get this team.")
    company_id = fields.Many2one(related="team_id.company_id", store=True,
                                 readonly=True)
    method = fields.Selection(
        METHODS, required=True, default=assignment.ROUND_ROBIN,
        track_visibility="onchange",
        help="Round robin: members take turns, the one who waited longest first. "
             "Load balanced: the member with the fewest open leads and "
             "opportunities in the team first.")
    auto_assign = fields.Boolean(
        "Assign New Leads", default=True,
        help="Apply this rule as soon as a lead without a salesperson is created "
             "(also from a web form). The Assign button and the scheduled job "
             "apply every active rule.")
    # Conditions (all given must hold; within one, any listed value matches)
    country_ids = fields.Many2many(
        "res.country", "crm_assignment_rule_country_rel", "rule_id", "country_id",
        string="Countries", help="Region: the lead's country is one of these, or "
                                 "its state is one of the states below.")
    state_ids = fields.Many2many(
        "res.country.state", "crm_assignment_rule_state_rel", "rule_id", "state_id",
        string="States / Provinces")
    source_ids = fields.Many2many(
        "utm.source", "crm_assignment_rule_source_rel", "rule_id", "source_id",
        string="Sources", help="The lead's source (UTM) is one of these.")
    industry_ids = fields.Many2many(
        "res.partner.industry", "crm_assignment_rule_industry_rel", "rule_id",
        "industry_id", string="Industries",
        help="The industry of the lead's customer (its company) is one of these.")
    level_ids = fields.Many2many(
        "crm.dictionary.item", "crm_assignment_rule_level_rel", "rule_id",
        "level_id", string="Customer Levels",
        domain=[("dictionary_code", "=", "customer_level")],
        help="The level of the lead's customer (its company) is one of these.")
    domain = fields.Char(
        "Advanced Condition", default="[]",
        help="An Odoo domain on leads that must also hold, e.g. "
             "[('planned_revenue', '>=', 100000)]. Leave [] when the lists above "
             "say it all.")
    member_ids = fields.One2many("crm.assignment.member", "rule_id", "Members",
                                 copy=True)
    seed = fields.Integer(
        "Draw Seed", default=lambda self: _random_seed(), copy=False,
        help="Members still tied after load and waiting time are ordered by a "
             "random draw from this seed and the turn number, so every draw can "
             "be repeated and checked.")
    condition_summary = fields.Char("Conditions", compute="_compute_condition_summary")
    lead_count = fields.Integer("Open Leads Assigned",
                                compute="_compute_lead_count")

    @api.multi
    @api.depends("country_ids", "state_ids", "source_ids", "industry_ids",
                 "level_ids", "domain")
    def _compute_condition_summary(self):
        for rule in self:
            parts = []
            for label, names in (
                    (_("Region"), rule.country_ids.mapped("display_name")
                     + rule.state_ids.mapped("display_name")),
                    (_("Source"), rule.source_ids.mapped("display_name")),
                    (_("Industry"), rule.industry_ids.mapped("display_name")),
                    (_("Level"), rule.level_ids.mapped("display_name"))):
                if names:
                    parts.append("%s: %s" % (label, ", ".join(names)))
            if rule.domain and rule.domain.strip() not in ("", "[]"):
                parts.append(_("Advanced: %s") % rule.domain)
            rule.condition_summary = "; ".join(parts) or _("Every lead of the team")

    @api.multi
    def _compute_lead_count(self):
        groups = self.env["crm.lead"].read_group(
            [("assignment_rule_id", "in", self.ids), ("probability", "<", 100)],
            ["assignment_rule_id"],
            ["assignment_rule_id"])
        counts = {g["assignment_rule_id"][0]: g["assignment_rule_id_count"]
                  for g in groups}
        for rule in self:
            rule.lead_count = counts.get(rule.id, 0)

    @api.constrains("domain")
    def _check_domain(self):
        for rule in self:
            try:
                domain = rule._parse_domain()
                self.env["crm.lead"].sudo().search(  # sudo: does the domain read
                    domain, limit=1)
            except (ValueError, SyntaxError, NameError, TypeError, KeyError) as error:
                raise ValidationError(_(
                    "The advanced condition of the rule %(rule)s is not a valid "
                    "domain on leads: %(error)s") % {"rule": rule.name,
                                                     "error": error})

    @api.constrains("state_ids", "country_ids")
    def _check_states(self):
        for rule in self:
            if rule.country_ids and rule.state_ids.filtered(
                    lambda s: s.country_id in rule.country_ids):
                raise ValidationError(_(
                    "The rule %s lists a state together with its country: the "
                    "country already matches every lead of that state. Remove one "
                    "of them.") % rule.name)

    # --- actions ----------------------------------------------------------------------

    @api.multi
    def action_regenerate_seed(self):
        for rule in self:
            rule.seed = _random_seed()
        return True

    @api.multi
    def action_assign_now(self):
        """Apply this rule now to its team's open leads without a salesperson and
        show what happened."""
        self.ensure_one()
        self.check_access_rights("write")
        self.check_access_rule("write")
        self.env.cr.execute(
            "SELECT l.id FROM crm_lead l WHERE l.user_id IS NULL AND l.team_id = %s "
            "AND l.active AND COALESCE(l.probability, 0) < 100 "
            "ORDER BY l.create_date, l.id", (self.team_id.id,))
        lead_ids = [row[0] for row in self.env.cr.fetchall()]
        result = self._assign_leads(lead_ids, "manual", rules=self)
        return self.env["crm.lead.assign"]._show_result(lead_ids, result)

    @api.multi
    def action_view_leads(self):
        self.ensure_one()
        action = self.env.ref("crm.crm_lead_all_leads").read()[0]
        action["domain"] = [("assignment_rule_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.multi
    def action_view_logs(self):
        self.ensure_one()
        action = self.env.ref("crm_core.crm_assignment_log_action").read()[0]
        action["domain"] = [("rule_id", "=", self.id)]
        return action

    @api.model
    def _cron_assign(self, chunk=2000, budget_seconds=50):
        """Assign the open leads without a salesperson of the teams that have
        active rules, oldest first, in chunks, within a time budget. Leads that no
        rule has room for stay unassigned and are tried again next time."""
        self.env.cr.execute(
            "SELECT DISTINCT team_id FROM crm_assignment_rule WHERE active")
        team_ids = tuple(row[0] for row in self.env.cr.fetchall())
        if not team_ids:
            return {}
        started, last_id, total = time.time(), 0, {}
        while time.time() - started < budget_seconds:
            self.env.cr.execute(
                "SELECT l.id FROM crm_lead l WHERE l.user_id IS NULL "
                "AND l.team_id IN %s AND l.id > %s "
                "AND l.active AND COALESCE(l.probability, 0) < 100 "
                "ORDER BY l.id LIMIT %s", (team_ids, last_id, chunk))
            lead_ids = [row[0] for row in self.env.cr.fetchall()]
            if not lead_ids:
                break
            last_id = lead_ids[-1]
            result = self._assign_leads(lead_ids, "cron")
            for key, values in result.items():
                total[key] = total.get(key, 0) + len(values)
        _logger.info("Lead assignment job: %s", total)
        return total

    # --- the engine -------------------------------------------------------------------

    def _parse_domain(self):
        domain = safe_eval(self.domain or "[]")
        if not isinstance(domain, (list, tuple)):
            raise ValueError(_("a domain is a list of conditions"))
        return list(domain)

    @api.multi
    def _get_lead_domain(self):
        """The conditions of this rule as a domain on crm.lead."""
        self.ensure_one()
        parts = []
        region = []
        if self.country_ids:
            region.append([("country_id", "in", self.country_ids.ids)])
        if self.state_ids:
            region.append([("state_id", "in", self.state_ids.ids)])
        if region:
            parts.append(expression.OR(region))
        if self.source_ids:
            parts.append([("source_id", "in", self.source_ids.ids)])
        if self.industry_ids:
            parts.append([("partner_id.commercial_partner_id.industry_id", "in",
                           self.industry_ids.ids)])
        if self.level_ids:
            parts.append([("partner_id.commercial_partner_id.customer_level_id", "in",
                           self.level_ids.ids)])
        domain = self._parse_domain()
        if domain:
            parts.append(domain)
        return expression.AND(parts) if parts else []

    @api.model
    def _assign_leads(self, lead_ids, trigger, rules=None, auto_only=False):
        """Assign the open leads among ``lead_ids`` that have no salesperson.

        Each lead is matched against the active rules of its team (a lead without
        a team: against every active rule) by sequence; the first matching rule
        with room assigns it, a full rule lets it fall through to the next.
        ``rules`` limits the rules used; ``auto_only`` to the rules that assign
        new leads. Callers check who may assign: the rules run as superuser.

        The plan is computed in memory; the writes are one UPDATE of the leads,
        one UPDATE of each rule's members, one INSERT of the logs and two of the
        followers, whatever the number of leads.

        Returns {"assigned": {lead id: user id}, "no_capacity": [lead ids],
        "no_rule": [lead ids], "skipped": [lead ids already assigned or closed]}.
        """
        actor = self.env.uid
        result = {"assigned": {}, "no_capacity": [], "no_rule": [], "skipped": []}
        lead_ids = list(dict.fromkeys(lead_ids or []))
        if not lead_ids:
            return result
        self.env.cr.execute(
            "SELECT l.id, l.team_id FROM crm_lead l WHERE l.id IN %s "
            "AND l.user_id IS NULL "
            "AND l.active AND COALESCE(l.probability, 0) < 100 "
            "ORDER BY l.create_date, l.id", (tuple(lead_ids),))
        team_of = dict(self.env.cr.fetchall())
        result["skipped"] = [i for i in lead_ids if i not in team_of]
        if not team_of:
            return result
        Rule = self.sudo()  # sudo: the callers decided who may assign
        if rules is None:
            teams = {t for t in team_of.values() if t}
            domain = [("active", "=", True)]
            if None not in team_of.values():
                domain.append(("team_id", "in", list(teams)))
            rules = Rule.search(domain)
        else:
            rules = Rule.browse(rules.ids).filtered("active")
        if auto_only:
            rules = rules.filtered("auto_assign")
        remaining = list(team_of)  # oldest first
        matched_any = set()
        updates, logs, follows = [], [], []
        for rule in rules:
            own_team = (rule.team_id.id, None)
            candidates = [i for i in remaining if team_of[i] in own_team]
            if not candidates:
                continue
            domain = expression.AND([[("id", "in", candidates)],
                                     rule._get_lead_domain()])
            found = set(self.env["crm.lead"].sudo().search(domain).ids)  # sudo: ditto
            matched = [i for i in candidates if i in found]
            if not matched:
                continue
            matched_any.update(matched)
            steps = rule._plan(matched, trigger, actor, updates, logs, follows)
            done = {step.item for step in steps}
            for step in steps:
                result["assigned"][step.item] = step.key
            remaining = [i for i in remaining if i not in done]
        result["no_capacity"] = [i for i in remaining if i in matched_any]
        result["no_rule"] = [i for i in remaining if i not in matched_any]
        self._write_assignments(updates, logs, follows, actor)
        return result

    def _lock_members(self):
        """This rule's members, locked until the end of the transaction: a second
        assigner waits here, then PostgreSQL refuses it (serialization failure,
        which Odoo retries) because the first updated every locked row; capacities
        therefore hold under concurrency."""
        self.env.cr.execute("""
            SELECT m.id, m.user_id, m.capacity, m.capacity_period, m.last_turn,
                   m.state, u.active
              FROM crm_assignment_member m JOIN res_users u ON u.id = m.user_id
             WHERE m.rule_id = %s
             ORDER BY m.id
               FOR UPDATE OF m
        """, (self.id,))
        return self.env.cr.dictfetchall()

    def _period_starts(self):
        """{period: start in UTC as a string} of the capacity periods, in the time
        zone of the team's company (else the user's, else UTC): the day, the week
        from Monday, the month."""
        tz_name = (self.team_id.company_id.partner_id.tz or self.env.user.tz
                   or "UTC")
        try:
            tz = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        now = pytz.utc.localize(datetime.utcnow()).astimezone(tz)
        day = now.replace(hour=0, minute=0, second=0, microsecond=0,
                          tzinfo=None)
        starts = {
            "day": day,
            "week": day - timedelta(days=day.weekday()),
            "month": day.replace(day=1),
        }
        return {
            period: fields.Datetime.to_string(
                tz.localize(start).astimezone(pytz.utc).replace(tzinfo=None))
            for period, start in starts.items()
        }

    def _used_counts(self, user_ids):
        """{user id: {"day"|"week"|"month"|"total": open leads assigned to the user
        through this rule in that period}} in one query."""
        if not user_ids:
            return {}
        starts = self._period_starts()
        self.env.cr.execute("""
            SELECT l.user_id,
                   count(*) FILTER (WHERE l.assignment_date >= %(day)s),
                   count(*) FILTER (WHERE l.assignment_date >= %(week)s),
                   count(*) FILTER (WHERE l.assignment_date >= %(month)s),
                   count(*)
              FROM crm_lead l
             WHERE l.assignment_rule_id = %(rule)s AND l.user_id IN %(users)s
               AND l.active AND COALESCE(l.probability, 0) < 100
             GROUP BY l.user_id
        """, dict(starts, rule=self.id, users=tuple(user_ids)))
        return {row[0]: dict(zip(("day", "week", "month", "total"), row[1:]))
                for row in self.env.cr.fetchall()}

    def _open_loads(self, user_ids):
        """{user id: open leads and opportunities of the user in the rule's team}."""
        if not user_ids:
            return {}
        self.env.cr.execute(
            "SELECT l.user_id, count(*) FROM crm_lead l WHERE l.user_id IN %s "
            "AND l.team_id = %s AND l.active AND COALESCE(l.probability, 0) < 100 "
            "GROUP BY l.user_id", (tuple(user_ids), self.team_id.id))
        return dict(self.env.cr.fetchall())

    def _plan(self, lead_ids, trigger, actor, updates, logs, follows):
        """Plan this rule's share of a batch and queue its writes (``updates``,
        ``logs``, ``follows``); update the locked members now. Returns the steps."""
        rows = self._lock_members()
        live = [r for r in rows if r["state"] == "active" and r["active"]]
        user_ids = [r["user_id"] for r in live]
        used = self._used_counts(user_ids)
        loads = self._open_loads(user_ids) \
            if self.method == assignment.LOAD_BALANCED else {}
        members = [assignment.Member(
            r["user_id"], r["capacity"] or None,
            used.get(r["user_id"], {}).get(r["capacity_period"] or "total", 0),
            loads.get(r["user_id"], 0), r["last_turn"] or 0) for r in live]
        counter = max([r["last_turn"] or 0 for r in rows] + [0])
        draw = "%s-%s" % (self.seed, counter)
        steps, _unassigned, turns = assignment.plan(
            lead_ids, members, self.method, draw)
        self._update_members(rows, turns, actor)
        if not steps:
            return steps
        users = self.env["res.users"].sudo().browse(  # sudo: names for the log
            {r["user_id"] for r in rows})
        names = {user.id: user.name for user in users}
        partners = {user.id: user.partner_id.id for user in users}
        periods = {r["user_id"]: r["capacity_period"] or "total" for r in live}
        texts = self._reason_texts()
        now = fields.Datetime.now()
        for step in steps:
            updates.append((step.item, step.key, self.team_id.id, self.id))
            follows.append((step.item, partners[step.key]))
            logs.append((now, step.item, self.id, step.key, self.team_id.id, trigger,
                         self._reason(step, texts, names, periods[step.key], draw)))
        return steps

    def _reason_texts(self):
        """The translated pieces of the audit reasons, looked up once per batch."""
        return {
            "first": _("round robin: first turn"),
            "after": _("round robin: next after %s"),
            "load": _("load balanced: fewest open leads (%d)"),
            "recent": _(", least recently assigned"),
            "random": _(", drawn by lot (seed %s)"),
            "cap": _("%(used)d/%(capacity)d %(period)s"),
            "nocap": _("%(used)d %(period)s, no limit"),
            "day": _("today"),
            "week": _("this week"),
            "month": _("this month"),
            "total": _("in total"),
        }

    def _reason(self, step, texts, names, period, draw):
        if self.method == assignment.ROUND_ROBIN:
            head = texts["after"] % names.get(step.after, "-") \
                if step.after else texts["first"]
        else:
            head = texts["load"] % step.load
        tie = ""
        if step.tie == "recent":
            tie = texts["recent"]
        elif step.tie == "random":
            tie = texts["random"] % draw
        values = {"used": step.used, "capacity": step.capacity or 0,
                  "period": texts[period]}
        capacity = (texts["cap"] if step.capacity else texts["nocap"]) % values
        return "%s%s; %s" % (head, tie, capacity)

    def _update_members(self, rows, turns, actor):
        """One UPDATE of every locked member: the turn numbers of those served
        (the round-robin pointer), and the write date of all, so that a concurrent
        assigner waiting on the lock cannot go on with an old snapshot."""
        if not rows:
            return
        now = fields.Datetime.now()
        execute_values(self.env.cr, """
            UPDATE crm_assignment_member m
               SET last_turn = COALESCE(v.turn::integer, m.last_turn),
                   last_assigned_date = CASE WHEN v.turn IS NULL
                       THEN m.last_assigned_date ELSE v.now::timestamp END,
                   write_date = v.now::timestamp, write_uid = v.uid::integer
              FROM (VALUES %s) AS v(id, turn, now, uid)
             WHERE m.id = v.id
        """, [(r["id"], turns.get(r["user_id"]), now, actor) for r in rows],
            page_size=len(rows))
        self.env["crm.assignment.member"].invalidate_cache(
            ["last_turn", "last_assigned_date"], [r["id"] for r in rows])

    @api.model
    def _write_assignments(self, updates, logs, follows, actor):
        """The writes of a batch: one UPDATE of the leads, one INSERT of the logs,
        two of the followers (with their default subtypes), then the stored fields
        that depend on the salesperson or the team are recomputed. The assignment
        date (date_open) and Odoo's days-to-assign (day_open, computed from it and
        the creation date) are set in the UPDATE itself: recomputing day_open by
        the ORM would read every column of every lead."""
        if not updates:
            return
        cr = self.env.cr
        now = fields.Datetime.now()
        execute_values(cr, """
            UPDATE crm_lead l
               SET user_id = v.user_id, team_id = v.team_id,
                   assignment_rule_id = v.rule_id,
                   assignment_date = v.now::timestamp, date_open = v.now::timestamp,
                   day_open = abs(date_part('day', v.now::timestamp - l.create_date)),
                   write_uid = v.uid, write_date = v.now::timestamp
              FROM (VALUES %s) AS v(id, user_id, team_id, rule_id, now, uid)
             WHERE l.id = v.id AND l.user_id IS NULL
        """, [u + (now, actor) for u in updates], page_size=len(updates))
        self.env["crm.assignment.log"]._log_many(logs, actor)
        self._follow(follows)
        fnames = ["user_id", "team_id", "assignment_rule_id", "assignment_date"]
        leads = self.env["crm.lead"].sudo().browse(  # sudo: recompute, no data shown
            [u[0] for u in updates])
        leads.invalidate_cache(fnames + ["date_open", "day_open"], leads.ids)
        leads.modified(fnames)
        leads.recompute()

    def _follow(self, follows):
        """The salespeople follow the leads they got (their notification: the lead
        is in their pipeline and its messages reach them): two INSERTs."""
        cr = self.env.cr
        followers = [row[0] for row in execute_values(cr, """
            INSERT INTO mail_followers (res_model, res_id, partner_id) VALUES %s
            ON CONFLICT DO NOTHING RETURNING id
        """, [("crm.lead", lead_id, partner_id) for lead_id, partner_id in follows],
            page_size=len(follows), fetch=True)]
        subtypes = self.env["mail.message.subtype"].sudo()  # sudo: configuration
        subtype_ids = subtypes._default_subtypes("crm.lead")[0]
        if followers and subtype_ids:
            rows = [(f, s) for f in followers for s in subtype_ids]
            execute_values(cr, """
                INSERT INTO mail_followers_mail_message_subtype_rel
                       (mail_followers_id, mail_message_subtype_id) VALUES %s
            """, rows, page_size=len(rows))
        self.env["mail.followers"].invalidate_cache()
        self.env["crm.lead"].invalidate_cache(["message_follower_ids",
                                               "message_partner_ids",
                                               "message_channel_ids"])

    @api.model
    def _check_assign_rights(self):
        if not self.env.user.has_group("crm_core.group_sale_team_leader"):
            raise AccessError(_("Only team leaders and sales managers assign leads "
                                "by rules."))
