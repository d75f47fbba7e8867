from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from .res_partner import LIFECYCLE

OPEN_OPPORTUNITY = [
    ("any", "Any"),
    ("yes", "With an Open Opportunity"),
    ("no", "Without an Open Opportunity"),
]


class CrmMarketingSegment(models.Model):
    """A saved audience (目标客户群, B2): customers picked by level, lifecycle,
    region, industry, tags, source, last purchase and open opportunities, plus an
    optional domain, with their contacts if wished. The member count is live;
    each send freezes the members in a snapshot."""

    _name = "crm.marketing.segment"
    _description = "Marketing Segment"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, track_visibility="onchange")
    active = fields.Boolean(default=True)
    description = fields.Text()
    user_id = fields.Many2one("res.users", "Owner", index=True,
                              default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company",
                                 default=lambda self: self.env.user.company_id)
    # Conditions: all given must hold; within one, any listed value matches.
    level_ids = fields.Many2many(
        "crm.dictionary.item", "crm_marketing_segment_level_rel", "segment_id",
        "level_id", string="Customer Levels",
        domain=[("dictionary_code", "=", "customer_level")])
    lifecycle_state = fields.Selection(LIFECYCLE, "Lifecycle")
    country_ids = fields.Many2many(
        "res.country", "crm_marketing_segment_country_rel", "segment_id",
        "country_id", string="Countries")
    state_ids = fields.Many2many(
        "res.country.state", "crm_marketing_segment_state_rel", "segment_id",
        "state_id", string="States / Provinces",
        help="Region: the customer is in one of these countries or states.")
    industry_ids = fields.Many2many(
        "res.partner.industry", "crm_marketing_segment_industry_rel", "segment_id",
        "industry_id", string="Industries")
    category_ids = fields.Many2many(
        "res.partner.category", "crm_marketing_segment_category_rel", "segment_id",
        "category_id", string="Tags",
        help="The customer has at least one of these tags.")
    source_ids = fields.Many2many(
        "crm.dictionary.item", "crm_marketing_segment_source_rel", "segment_id",
        "source_id", string="Customer Sources",
        domain=[("dictionary_code", "=", "customer_source")])
    last_purchase_after = fields.Date(
        help="The customer's last confirmed order is on or after this day.")
    last_purchase_before = fields.Date(
        help="The customer's last confirmed order is before this day.")
    open_opportunity = fields.Selection(
        OPEN_OPPORTUNITY, "Open Opportunities", default="any", required=True)
    domain = fields.Char(
        "Extra Conditions", default="[]",
        help="An Odoo domain on contacts that members must also match.")
    include_contacts = fields.Boolean(
        help="Members are the matching customers and all their contacts, not "
             "only the customers themselves.")
    member_count = fields.Integer(
        "Members", compute="_compute_member_count",
        help="How many customers (and contacts) match now.")
    snapshot_ids = fields.One2many("crm.marketing.segment.snapshot", "segment_id",
                                   "Snapshots")
    snapshot_count = fields.Integer("Snapshots", compute="_compute_snapshot_count")

    @api.multi
    @api.depends("level_ids", "lifecycle_state", "country_ids", "state_ids",
                 "industry_ids", "category_ids", "source_ids", "last_purchase_after",
                 "last_purchase_before", "open_opportunity", "domain",
                 "include_contacts")
    def _compute_member_count(self):
        Partner = self.env["res.partner"]
        for segment in self:
            try:
                segment.member_count = Partner.search_count(
                    segment._get_partner_domain())
            except (ValueError, SyntaxError, NameError, TypeError, KeyError):
                segment.member_count = 0

    @api.multi
    def _compute_snapshot_count(self):
        groups = self.env["crm.marketing.segment.snapshot"].read_group(
            [("segment_id", "in", self.ids)], ["segment_id"], ["segment_id"])
        counts = {g["segment_id"][0]: g["segment_id_count"] for g in groups}
        for segment in self:
            segment.snapshot_count = counts.get(segment.id, 0)

    @api.constrains("domain")
    def _check_domain(self):
        for segment in self:
            try:
                segment._parse_domain()
                with self.env.cr.savepoint():
                    self.env["res.partner"].search(
                        segment._get_partner_domain(), limit=1)
            except (ValueError, SyntaxError, NameError, TypeError, KeyError) as error:
                raise ValidationError(_(
                    "Extra Conditions: the segment %(segment)s needs a valid domain "
                    "on contacts (%(error)s).") % {
                        "segment": segment.name, "error": error})

    @api.constrains("last_purchase_after", "last_purchase_before")
    def _check_purchase_period(self):
        for segment in self:
            if segment.last_purchase_after and segment.last_purchase_before and \
                    segment.last_purchase_before <= segment.last_purchase_after:
                raise ValidationError(_(
                    "Last Purchase Before: must be later than Last Purchase After "
                    "(segment %s).") % segment.name)

    @api.multi
    def _parse_domain(self):
        self.ensure_one()
        domain = safe_eval(self.domain or "[]")
        if not isinstance(domain, (list, tuple)):
            raise ValueError(_("a domain is a list of conditions"))
        return list(domain)

    @api.multi
    def _get_partner_domain(self):
        """The members as a domain on res.partner: customers (companies and people
        on their own) matching every condition, or with include_contacts those
        customers and all their contacts (conditions on the customer)."""
        self.ensure_one()
        if self.include_contacts:
            prefix = "commercial_partner_id."
            parts = [[("commercial_partner_id.customer", "=", True)]]
        else:
            prefix = ""
            parts = [[("customer", "=", True), ("parent_id", "=", False)]]
        for name, target in (("level_ids", "customer_level_id"),
                             ("industry_ids", "industry_id"),
                             ("category_ids", "category_id"),
                             ("source_ids", "customer_source_id")):
            if self[name]:
                parts.append([(prefix + target, "in", self[name].ids)])
        region = []
        if self.country_ids:
            region.append([(prefix + "country_id", "in", self.country_ids.ids)])
        if self.state_ids:
            region.append([(prefix + "state_id", "in", self.state_ids.ids)])
        if region:
            parts.append(expression.OR(region))
        if self.lifecycle_state:
            parts.append([(prefix + "lifecycle_state", "=", self.lifecycle_state)])
        if self.last_purchase_after:
            parts.append([("last_order_date", ">=", self.last_purchase_after)])
        if self.last_purchase_before:
            parts.append([("last_order_date", "<", self.last_purchase_before)])
        if self.open_opportunity in ("yes", "no"):
            parts.append([("has_open_opportunity", "=",
                           self.open_opportunity == "yes")])
        extra = self._parse_domain()
        if extra:
            parts.append(extra)
        return expression.AND(parts)

    # --- actions ---------------------------------------------------------------------

    @api.multi
    def action_view_members(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Members of %s") % self.name,
            "res_model": "res.partner",
            "view_mode": "tree,form",
            "domain": self._get_partner_domain(),
            "context": {"create": False},
        }

    @api.multi
    def action_snapshot(self):
        """Freeze today's members (a snapshot a send can be checked against)."""
        self.ensure_one()
        snapshot = self._take_snapshot()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.marketing.segment.snapshot",
            "res_id": snapshot.id,
            "view_mode": "form",
        }

    @api.multi
    def action_view_snapshots(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Snapshots"),
            "res_model": "crm.marketing.segment.snapshot",
            "view_mode": "tree,form",
            "domain": [("segment_id", "=", self.id)],
        }

    @api.multi
    def _take_snapshot(self):
        """A snapshot of the members the user may see now, written in one INSERT
        ... SELECT built from the segment's domain and the user's record rules."""
        self.ensure_one()
        domain = self._get_partner_domain()
        snapshot = self.env["crm.marketing.segment.snapshot"].create({
            "segment_id": self.id, "domain": repr(domain)})
        snapshot._fill(domain)
        return snapshot
