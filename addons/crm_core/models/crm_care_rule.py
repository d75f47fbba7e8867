import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import care_calendar

_logger = logging.getLogger(__name__)

OCCASIONS = [
    ("birthday", "Birthday"),
    ("founding", "Company Anniversary"),
    ("contract", "Contract Anniversary"),
    ("first_order", "First Order Anniversary"),
    ("holiday", "Holiday"),
]
ACTION_TYPES = [
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("call", "Call Task"),
    ("gift", "Gift Task"),
]

# The dated people of each anniversary occasion: (partner, its date, the
# customer's level, the customer's salesperson) for customers (companies and
# people on their own) and their contacts.
_CANDIDATES = {
    "birthday": """
        SELECT p.id, p.birthday, cp.customer_level_id, cp.user_id
          FROM res_partner p JOIN res_partner cp ON cp.id = p.commercial_partner_id
         WHERE p.active AND cp.customer AND p.birthday IS NOT NULL""",
    "founding": """
        SELECT p.id, p.founding_date, p.customer_level_id, p.user_id
          FROM res_partner p
         WHERE p.active AND p.customer AND p.parent_id IS NULL
           AND p.founding_date IS NOT NULL""",
    "contract": """
        SELECT p.id, p.contract_date, p.customer_level_id, p.user_id
          FROM res_partner p
         WHERE p.active AND p.customer AND p.parent_id IS NULL
           AND p.contract_date IS NOT NULL""",
    "first_order": """
        SELECT p.id, f.first::date, p.customer_level_id, p.user_id
          FROM res_partner p
          JOIN (SELECT c.commercial_partner_id AS id,
                       min(so.confirmation_date) AS first
                  FROM sale_order so JOIN res_partner c ON c.id = so.partner_id
                 WHERE so.state IN ('sale', 'done')
                 GROUP BY c.commercial_partner_id) f ON f.id = p.id
         WHERE p.active AND p.customer""",
    "holiday": """
        SELECT p.id, NULL::date, p.customer_level_id, p.user_id
          FROM res_partner p
         WHERE p.active AND p.customer AND p.parent_id IS NULL""",
}


class CrmCareRule(models.Model):
    """A customer-care rule (关怀规则): for an occasion (birthdays, company and
    contract anniversaries, the first order's anniversary, a holiday), the
    customers of some levels get an action some days before: an e-mail or SMS
    sent on the day, or a call or gift task for their salesperson, each with a
    reminder. Customers with an open complaint are skipped; each level may have
    a yearly budget the actions' cost must fit in."""

    _name = "crm.care.rule"
    _description = "Care Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, track_visibility="onchange")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, track_visibility="onchange")
    occasion = fields.Selection(OCCASIONS, required=True, default="birthday",
                                track_visibility="onchange")
    holiday_id = fields.Many2one("crm.care.holiday", track_visibility="onchange")
    days_before = fields.Integer(
        default=3, required=True,
        help="The action and its reminder appear this many days before the date.")
    action_type = fields.Selection(ACTION_TYPES, "Action", required=True,
                                   default="call", track_visibility="onchange")
    mail_template_id = fields.Many2one(
        "mail.template", "E-mail Template", domain=[("model", "=", "res.partner")])
    sms_gateway_id = fields.Many2one(
        "crm.sms.gateway", "SMS Gateway",
        default=lambda self: self.env["crm.sms.gateway"]._default_gateway())
    sms_body = fields.Text("SMS Text",
                           help="{name} becomes the customer's name.")
    instructions = fields.Text(
        help="What the salesperson should do or give (call and gift tasks).")
    level_ids = fields.Many2many(
        "crm.dictionary.item", "crm_care_rule_level_rel", "rule_id", "level_id",
        string="Customer Levels", domain=[("dictionary_code", "=", "customer_level")],
        help="Only customers of these levels; empty: every customer.")
    cost = fields.Monetary(
        "Cost per Action", currency_field="currency_id",
        help="What one action costs (a gift, a call card...): counted against "
             "the budget.")
    budget_ids = fields.One2many("crm.care.rule.budget", "rule_id", "Yearly Budgets",
                                 copy=True)
    user_id = fields.Many2one(
        "res.users", "Responsible", default=lambda self: self.env.user,
        help="Gets the tasks of customers without a salesperson.")
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    action_count = fields.Integer("Actions", compute="_compute_action_count")

    @api.multi
    def _compute_action_count(self):
        groups = self.env["crm.care.action"].read_group(
            [("rule_id", "in", self.ids)], ["rule_id"], ["rule_id"])
        counts = {g["rule_id"][0]: g["rule_id_count"] for g in groups}
        for rule in self:
            rule.action_count = counts.get(rule.id, 0)

    @api.constrains("occasion", "holiday_id", "action_type", "mail_template_id",
                    "sms_gateway_id", "sms_body", "days_before", "cost")
    def _check_settings(self):
        for rule in self:
            if rule.occasion == "holiday" and not rule.holiday_id:
                raise ValidationError(_("Holiday: the rule %s needs the holiday it "
                                        "greets for.") % rule.name)
            if rule.action_type == "email" and not rule.mail_template_id:
                raise ValidationError(_("E-mail Template: the rule %s sends an "
                                        "e-mail and needs its template.") % rule.name)
            if rule.action_type == "sms" and not (rule.sms_gateway_id
                                                  and (rule.sms_body or "").strip()):
                raise ValidationError(_("SMS Text: the rule %s sends an SMS and needs "
                                        "a gateway and a text.") % rule.name)
            if not 0 <= rule.days_before <= 60:
                raise ValidationError(_("Days Before: between 0 and 60."))
            if rule.cost < 0:
                raise ValidationError(_("Cost per Action: cannot be negative."))

    @api.multi
    def action_view_actions(self):
        self.ensure_one()
        action = self.env.ref("crm_core.crm_care_action_action").read()[0]
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.multi
    def action_run_now(self):
        self._generate(fields.Date.from_string(fields.Date.context_today(self)))
        return self.action_view_actions() if len(self) == 1 else True

    # --- the daily job -------------------------------------------------------------

    @api.model
    def _cron_care(self):
        """Create today's due care actions (safe to run twice: an action exists
        once per rule, customer and date) and carry out the e-mails and SMS
        whose day has come."""
        today = fields.Date.from_string(fields.Date.context_today(self))
        created = self.search([("active", "=", True)])._generate(today)
        done = self.env["crm.care.action"]._execute_due(today)
        _logger.info("Customer care: %d actions created, %d carried out", created,
                     done)
        return True

    @api.multi
    def _generate(self, today):
        """The actions due ``today`` for these rules: one query for the dated
        customers of each rule, the calendar and budget in plain Python, one
        INSERT (an action already there is left alone) and one INSERT of the
        owners' reminders. Returns how many actions were created."""
        blocked = set(self.env["res.partner"]._crm_care_blocked_partner_ids())
        created = 0
        for rule in self:
            candidates = rule._due_candidates(today, blocked)
            if candidates:
                created += rule._create_actions(candidates)
        return created

    def _due_candidates(self, today, blocked):
        """[(partner id, care date, level id, owner id)] due today, in care date
        order, without those already planned and those over budget."""
        self.ensure_one()
        query = _CANDIDATES[self.occasion]
        params = []
        if self.level_ids:
            query += " AND {level} = ANY(%s)".format(  # sql-safe: a fixed column
                level="cp.customer_level_id" if self.occasion == "birthday"
                else "p.customer_level_id")
            params.append(self.level_ids.ids)
        self.env.cr.execute(query, params)
        rows = self.env.cr.fetchall()
        # partners blocked by the hook are customers (commercial partners): a
        # contact follows its company
        commercial = {}
        if blocked and rows:
            self.env.cr.execute(
                "SELECT id, commercial_partner_id FROM res_partner WHERE id = ANY(%s)",
                ([row[0] for row in rows],))
            commercial = dict(self.env.cr.fetchall())
        holiday_dates = []
        if self.occasion == "holiday":
            holiday_dates = care_calendar.due_dates(
                [fields.Date.from_string(d) for d in
                 self.holiday_id.date_ids.mapped("date")], today, self.days_before)
        due = []
        for partner_id, day, level_id, owner_id in rows:
            if commercial.get(partner_id, partner_id) in blocked:
                continue
            if self.occasion == "holiday":
                dates = holiday_dates
            else:
                occurrence = care_calendar.due_anniversary(
                    fields.Date.from_string(day) if isinstance(day, str) else day,
                    today, self.days_before)
                dates = [occurrence] if occurrence else []
            for care_date in dates:
                due.append((partner_id, care_date, level_id, owner_id))
        if not due:
            return []
        last = today + timedelta(days=self.days_before)
        self.env.cr.execute("""
            SELECT partner_id, care_date FROM crm_care_action
             WHERE rule_id = %s AND care_date BETWEEN %s AND %s
        """, (self.id, today, last))
        planned = {(p, fields.Date.from_string(d) if isinstance(d, str) else d)
                   for p, d in self.env.cr.fetchall()}
        due = sorted((c for c in due if (c[0], c[1]) not in planned),
                     key=lambda c: (c[1], c[0]))
        return self._within_budget(due)

    def _within_budget(self, due):
        if not self.budget_ids or not self.cost:
            return due
        caps = {b.level_id.id: b.amount for b in self.budget_ids}
        years = sorted({c[1].year for c in due})
        self.env.cr.execute("""
            SELECT level_id, EXTRACT(year FROM care_date)::int, SUM(cost)
              FROM crm_care_action
             WHERE rule_id = %s AND state != 'cancelled'
               AND EXTRACT(year FROM care_date)::int = ANY(%s)
             GROUP BY level_id, EXTRACT(year FROM care_date)::int
        """, (self.id, years))
        spent = {(level, year): amount for level, year, amount in
                 self.env.cr.fetchall()}
        accepted = set(care_calendar.within_budget(
            [((c[0], c[1]), c[2], c[1].year) for c in due], self.cost, caps, spent))
        return [c for c in due if (c[0], c[1]) in accepted]

    def _create_actions(self, due):
        """Insert the actions (ON CONFLICT: a concurrent or repeated run adds
        nothing) and a reminder for each new one's owner."""
        self.ensure_one()
        fallback = (self.user_id or self.create_uid).id
        self.env.cr.execute("""
            INSERT INTO crm_care_action
                   (rule_id, partner_id, care_date, level_id, user_id, occasion,
                    action_type, cost, state, company_id,
                    create_uid, create_date, write_uid, write_date)
            SELECT %(rule)s, v.partner_id, v.care_date, v.level_id,
                   COALESCE(v.owner_id, %(fallback)s), %(occasion)s, %(action)s,
                   %(cost)s, 'planned', %(company)s, %(uid)s,
                   now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM unnest(%(partners)s::int[], %(dates)s::date[], %(levels)s::int[],
                          %(owners)s::int[])
                   AS v(partner_id, care_date, level_id, owner_id)
                ON CONFLICT (rule_id, partner_id, care_date) DO NOTHING
         RETURNING id
        """, {"rule": self.id, "fallback": fallback, "occasion": self.occasion,
              "action": self.action_type, "cost": self.cost or 0.0,
              "company": self.company_id.id, "uid": self.env.uid,
              "partners": [c[0] for c in due], "dates": [c[1] for c in due],
              "levels": [c[2] for c in due], "owners": [c[3] for c in due]})
        ids = [row[0] for row in self.env.cr.fetchall()]
        if ids:
            self.env["crm.care.action"].browse(ids)._create_reminders()
        return len(ids)
