from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.clustering import Rule, Ticket, detect
from ..lib.keywords import normalize_keywords, split_keywords

DONE_STATES = ("resolved", "visit", "closed")


class CrmServiceDefectRule(models.Model):
    """When resolved tickets make a defect (瑕疵): which products and categories
    the rule watches, how many tickets in how many days make a defect, what
    counts as a spike, and which department answers for it, in how many days."""

    _name = "crm.service.defect.rule"
    _description = "Defect Detection Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(
        default=10, help="A ticket goes to the first rule (in this order) that "
                         "takes it.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    product_categ_id = fields.Many2one(
        "product.category", "Product Category",
        help="Only tickets about products of this category or its sub-categories. "
             "Empty: every product.")
    category_id = fields.Many2one(
        "crm.service.category", "Service Category",
        help="Only tickets of this category or its sub-categories. Empty: every "
             "category.")
    keywords = fields.Char(
        help="Optional, separated by commas, 、 or spaces: tickets are grouped by "
             "the first keyword their subject or description contains, and tickets "
             "with none of them are left to the next rule.")
    window_days = fields.Integer(
        "Window (days)", default=7, required=True,
        help="Tickets resolved in this many days are counted together.")
    min_tickets = fields.Integer(
        "Minimum Tickets", default=5, required=True,
        help="This many tickets of one product and category in the window make a "
             "defect.")
    spike_factor = fields.Float(
        default=3.0, required=True,
        help="A spike: the last window has this many times the average of the "
             "windows before it (an average below 1 counts as 1).")
    spike_windows = fields.Integer(
        "Baseline Windows", default=4, required=True,
        help="How many windows before the last one make the average a spike is "
             "measured against.")
    department_id = fields.Many2one(
        "hr.department", "Responsible Department",
        help="Defects go to this department; its manager is responsible unless a "
             "responsible person is set.")
    user_id = fields.Many2one("res.users", "Responsible")
    resolve_days = fields.Integer(
        "Days to Resolve", default=14, required=True,
        help="The defect's due date is this many days after its detection.")
    defect_ids = fields.One2many("crm.service.defect", "rule_id", "Defects",
                                 readonly=True)
    defect_count = fields.Integer(compute="_compute_defect_count")

    def _compute_defect_count(self):
        groups = self.env["crm.service.defect"].read_group(
            [("rule_id", "in", self.ids)], ["rule_id"], ["rule_id"])
        counts = {g["rule_id"][0]: g["rule_id_count"] for g in groups}
        for rule in self:
            rule.defect_count = counts.get(rule.id, 0)

    @api.constrains("window_days", "min_tickets", "spike_factor", "spike_windows",
                    "resolve_days")
    def _check_numbers(self):
        for rule in self:
            if rule.window_days < 1:
                raise ValidationError(_("Window (days) must be at least 1."))
            if rule.min_tickets < 1:
                raise ValidationError(_("Minimum Tickets must be at least 1."))
            if rule.spike_factor <= 1:
                raise ValidationError(_("Spike Factor must be more than 1."))
            if rule.spike_windows < 1:
                raise ValidationError(_("Baseline Windows must be at least 1."))
            if rule.resolve_days < 0:
                raise ValidationError(_("Days to Resolve cannot be negative."))

    @api.model
    def create(self, vals):
        if "keywords" in vals:
            vals = dict(vals, keywords=normalize_keywords(vals["keywords"]))
        return super(CrmServiceDefectRule, self).create(vals)

    @api.multi
    def write(self, vals):
        if "keywords" in vals:
            vals = dict(vals, keywords=normalize_keywords(vals["keywords"]))
        return super(CrmServiceDefectRule, self).write(vals)

    @api.multi
    def action_view_defects(self):
        self.ensure_one()
        action = self.env.ref("crm_service.crm_service_defect_action").read()[0]
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.multi
    def action_detect(self):
        """"Detect Defects Now": every active rule of the user's companies, as the
        daily job does; opens the defects that were created or updated."""
        defects = self.search([("active", "=", True)])._detect()
        action = self.env.ref("crm_service.crm_service_defect_action").read()[0]
        action["domain"] = [("id", "in", defects.ids)]
        action["context"] = {}
        return action

    @api.model
    def _cron_detect(self):
        return bool(self.search([("active", "=", True)])._detect())

    # -- detection -----------------------------------------------------------

    def _detect(self, now=None):
        """Cluster the resolved tickets under the rules of ``self`` (one query for
        the tickets), then create or update the defects. Returns the defects."""
        now = now or fields.Datetime.from_string(fields.Datetime.now())
        defects = self.env["crm.service.defect"]
        for company in self.mapped("company_id"):
            rules = self.filtered(lambda r, c=company: r.company_id == c)
            clusters = detect(rules._fetch_tickets(now), rules._as_lib_rules(), now)
            defects |= defects._apply_clusters(clusters, rules, now)
        return defects

    def _as_lib_rules(self):
        categories = self.env["crm.service.category"].with_context(
            active_test=False)
        products = self.env["product.category"]
        lib_rules = []
        for rule in self.sorted(lambda r: (r.sequence, r.id)):
            lib_rules.append(Rule(
                id=rule.id,
                product_categ_ids=set(products.search([
                    ("id", "child_of", rule.product_categ_id.id)]).ids)
                if rule.product_categ_id else set(),
                category_ids=set(categories.search([
                    ("id", "child_of", rule.category_id.id)]).ids)
                if rule.category_id else set(),
                keywords=tuple(split_keywords(rule.keywords)),
                window_days=rule.window_days,
                min_tickets=rule.min_tickets,
                spike_factor=rule.spike_factor,
                spike_windows=rule.spike_windows))
        return lib_rules

    def _fetch_tickets(self, now):
        """The resolved tickets with a product of the rules' company, as far back
        as the longest rule looks (its window and baseline windows)."""
        days = max((r.spike_windows + 1) * r.window_days for r in self)
        since = now - timedelta(days=days)
        self.env.cr.execute("""
            SELECT t.id, t.product_id, pt.categ_id, t.category_id,
                   t.name || E'\\n' || coalesce(t.description, ''),
                   t.resolved_date, t.defect_id IS NOT NULL
              FROM crm_service_ticket t
              JOIN product_product pp ON pp.id = t.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE t.state IN %s AND t.company_id = %s AND t.crm_deleted_at IS NULL
               AND t.resolved_date > %s AND t.resolved_date <= %s
             ORDER BY t.resolved_date, t.id""", (
            DONE_STATES, self[:1].company_id.id, fields.Datetime.to_string(since),
            fields.Datetime.to_string(now)))
        return [Ticket(id=row[0], product_id=row[1], product_categ_id=row[2],
                       category_id=row[3], text=row[4],
                       date=fields.Datetime.from_string(row[5]), linked=row[6])
                for row in self.env.cr.fetchall()]
