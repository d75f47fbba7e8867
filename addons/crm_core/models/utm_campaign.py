from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# who sees a campaign's results (they come from the ROI report)
MARKETING_READERS = "crm_core.group_marketing_user,crm_core.group_analyst"
FIGURE = {"compute": "_compute_figures", "groups": MARKETING_READERS}

CAMPAIGN_STATES = [
    ("draft", "Draft"),
    ("planned", "Planned"),
    ("running", "Running"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]

# the figures of a campaign, summed from the ROI report (one read_group; the
# report computes each group's ratios)
FIGURES = ["cost", "lead_count", "opportunity_count", "won_count", "quotation_count",
           "order_count", "revenue_invoiced", "revenue_paid", "net_return", "roi",
           "cost_per_lead"]


class UtmCampaign(models.Model):
    """The campaign (市场活动): Odoo's UTM campaign, which leads, quotations, orders,
    invoices and mass mailings already carry, planned and followed by marketing:
    an owner and team, the channels used, a period, a budget and its costs, the
    target segment, goals, and what the campaign earned down to paid invoices."""

    _inherit = "utm.campaign"
    # workflow-owned (issue 13): budgets and the campaign's leader are the
    # marketing manager's; a marketing user leads the campaigns they create
    _crm_guarded_fields = {
        "budget": "crm_core.group_marketing_manager",
        "planned_cost": "crm_core.group_marketing_manager",
        "user_id": "crm_core.group_marketing_manager",
    }
    _crm_guard_own = {"user_id": "user"}

    user_id = fields.Many2one(
        "res.users", "Owner", index=True, default=lambda self: self.env.user,
        help="The campaign lead: manages this campaign (marketing managers manage "
             "every campaign).")
    team_id = fields.Many2one("crm.team", "Sales Team", index=True)
    company_id = fields.Many2one(
        "res.company", index=True,
        default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    state = fields.Selection(
        CAMPAIGN_STATES, "Status", default="draft", required=True, readonly=True,
        copy=False, index=True)
    channel_email = fields.Boolean("E-mail")
    channel_sms = fields.Boolean("SMS")
    channel_phone = fields.Boolean("Phone")
    channel_event = fields.Boolean("Event")
    date_start = fields.Date("Start Date")
    date_end = fields.Date("End Date")
    budget = fields.Monetary(currency_field="currency_id")
    planned_cost = fields.Monetary(currency_field="currency_id")
    description = fields.Text()
    segment_id = fields.Many2one(
        "crm.marketing.segment", "Target Segment",
        help="The audience the campaign's sends go to by default.")
    send_ids = fields.One2many("crm.marketing.send", "campaign_id", "Sends")
    send_count = fields.Integer("Sends", compute="_compute_send_count",
                                groups=MARKETING_READERS)
    goal_leads = fields.Integer(
        "Lead Goal", help="How many leads the campaign should bring.")
    goal_revenue = fields.Monetary(
        "Revenue Goal", currency_field="currency_id",
        help="Paid revenue the campaign should bring, untaxed.")

    # Results (last touch: the campaign the lead or order carries now), summed from
    # the ROI report; the first-touch variants credit the first campaign.
    actual_cost = fields.Monetary(
        currency_field="currency_id",
        help="Posted vendor bills (and bill lines) tagged with the campaign, less "
             "their credit notes, untaxed.", **FIGURE)
    lead_count = fields.Integer("Leads", **FIGURE)
    opportunity_count = fields.Integer("Opportunities", **FIGURE)
    won_count = fields.Integer("Won", **FIGURE)
    quotation_count = fields.Integer("Quotations", **FIGURE)
    order_count = fields.Integer("Orders", **FIGURE)
    revenue_invoiced = fields.Monetary("Invoiced Revenue",
                                       currency_field="currency_id", **FIGURE)
    revenue_paid = fields.Monetary("Paid Revenue", currency_field="currency_id",
                                   **FIGURE)
    roi = fields.Float("ROI (%)", digits=(16, 1),
                       help="(Paid revenue - cost) / cost x 100, last touch.",
                       **FIGURE)
    cost_per_lead = fields.Monetary(currency_field="currency_id", **FIGURE)
    lead_count_first = fields.Integer("Leads (First Touch)", **FIGURE)
    order_count_first = fields.Integer("Orders (First Touch)", **FIGURE)
    revenue_paid_first = fields.Monetary("Paid Revenue (First Touch)",
                                         currency_field="currency_id", **FIGURE)
    roi_first = fields.Float("ROI (%) (First Touch)", digits=(16, 1), **FIGURE)
    budget_left = fields.Monetary(currency_field="currency_id", **FIGURE)

    @api.constrains("date_start", "date_end")
    def _check_period(self):
        for campaign in self:
            if campaign.date_start and campaign.date_end and \
                    campaign.date_end < campaign.date_start:
                raise ValidationError(_(
                    "End Date: the campaign %s cannot end before it starts.")
                    % campaign.name)

    @api.constrains("budget", "planned_cost", "goal_leads", "goal_revenue")
    def _check_amounts(self):
        for campaign in self:
            for name in ("budget", "planned_cost", "goal_leads", "goal_revenue"):
                if campaign[name] < 0:
                    raise ValidationError(_("%s: cannot be negative.") % (
                        campaign._fields[name].get_description(self.env)["string"]))

    @api.multi
    def _compute_send_count(self):
        groups = self.env["crm.marketing.send"].read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id"], ["campaign_id"])
        counts = {g["campaign_id"][0]: g["campaign_id_count"] for g in groups}
        for campaign in self:
            campaign.send_count = counts.get(campaign.id, 0)

    @api.multi
    def _compute_figures(self):
        """One grouped read of the ROI report for all campaigns and both
        attributions."""
        figures = {}
        if self.ids:
            report = self.env["crm.campaign.roi.report"]
            groups = report.read_group(
                [("campaign_id", "in", self.ids)],
                FIGURES + ["campaign_id", "attribution"],
                ["campaign_id", "attribution"], lazy=False)
            for group in groups:
                figures[(group["campaign_id"][0], group["attribution"])] = group
        for campaign in self:
            last = figures.get((campaign.id, "last_touch"), {})
            first = figures.get((campaign.id, "first_touch"), {})
            campaign.actual_cost = last.get("cost") or 0.0
            for name in ("lead_count", "opportunity_count", "won_count",
                         "quotation_count", "order_count", "revenue_invoiced",
                         "revenue_paid", "roi", "cost_per_lead"):
                campaign[name] = last.get(name) or 0
            campaign.lead_count_first = first.get("lead_count") or 0
            campaign.order_count_first = first.get("order_count") or 0
            campaign.revenue_paid_first = first.get("revenue_paid") or 0.0
            campaign.roi_first = first.get("roi") or 0.0
            campaign.budget_left = campaign.budget - campaign.actual_cost

    # --- state machine ---------------------------------------------------------------

    def _set_state(self, state):
        self.write({"state": state})
        return True

    def _check_states(self, allowed, action):
        wrong = self.filtered(lambda c: c.state not in allowed)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(_(
                "%(action)s: not possible for %(names)s (status %(state)s).") % {
                    "action": action,
                    "names": ", ".join(wrong.mapped("name")),
                    "state": ", ".join(sorted(
                        {labels[state] for state in wrong.mapped("state")})),
                })

    @api.multi
    def action_plan(self):
        self._check_states(("draft",), _("Plan"))
        return self._set_state("planned")

    @api.multi
    def action_start(self):
        self._check_states(("draft", "planned"), _("Start"))
        return self._set_state("running")

    @api.multi
    def action_done(self):
        self._check_states(("running",), _("Finish"))
        return self._set_state("done")

    @api.multi
    def action_cancel(self):
        self._check_states(("draft", "planned", "running"), _("Cancel"))
        return self._set_state("cancelled")

    @api.multi
    def action_draft(self):
        self._check_states(("cancelled",), _("Reset to Draft"))
        return self._set_state("draft")

    # --- smart buttons ---------------------------------------------------------------

    def _action_leads(self, domain, name):
        self.ensure_one()
        action = self.env.ref("crm.crm_lead_all_leads").read()[0]
        action.update({
            "name": name,
            "domain": [("campaign_id", "=", self.id)] + domain,
            "context": {"default_campaign_id": self.id, "active_test": False},
            "view_mode": "tree,form,kanban,pivot,graph",
            "views": [(False, "tree"), (False, "form"), (False, "kanban"),
                      (False, "pivot"), (False, "graph")],
        })
        return action

    @api.multi
    def action_view_leads(self):
        return self._action_leads([], _("Leads"))

    @api.multi
    def action_view_opportunities(self):
        return self._action_leads([("type", "=", "opportunity")], _("Opportunities"))

    @api.multi
    def action_view_orders(self):
        self.ensure_one()
        action = self.env.ref("sale.action_orders").read()[0]
        action.update({
            "domain": [("campaign_id", "=", self.id)],
            "context": {"default_campaign_id": self.id},
        })
        return action

    @api.multi
    def action_view_bills(self):
        """The vendor bills and bill lines behind the actual cost."""
        self.ensure_one()
        action = self.env.ref("account.action_invoice_tree2").read()[0]
        action.update({
            "domain": ["|", ("campaign_id", "=", self.id),
                       ("invoice_line_ids.campaign_id", "=", self.id),
                       ("type", "in", ("in_invoice", "in_refund"))],
            "context": {"default_campaign_id": self.id, "type": "in_invoice",
                        "default_type": "in_invoice", "journal_type": "purchase"},
        })
        return action

    @api.multi
    def action_view_sends(self):
        self.ensure_one()
        action = self.env.ref("crm_core.crm_marketing_send_action").read()[0]
        action.update({
            "domain": [("campaign_id", "=", self.id)],
            "context": {"default_campaign_id": self.id,
                        "default_segment_id": self.segment_id.id},
        })
        return action

    @api.multi
    def action_view_roi(self):
        self.ensure_one()
        action = self.env.ref("crm_core.crm_campaign_roi_report_action").read()[0]
        action["domain"] = [("campaign_id", "=", self.id)]
        return action
