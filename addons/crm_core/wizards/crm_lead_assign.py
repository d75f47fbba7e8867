from odoo import _, api, fields, models


class CrmLeadAssign(models.TransientModel):
    """Assign the selected leads by the assignment rules (the Assign button of
    the lead lists) and report what happened: how many were assigned, and which
    stayed unassigned because no rule matched them or no member had room."""

    _name = "crm.lead.assign"
    _description = "Assign Leads by Rules"
    _crm_active_model = "crm.lead"  # the context's active ids are of this model

    lead_ids = fields.Many2many(
        "crm.lead", "crm_lead_assign_lead_rel", "wizard_id", "lead_id",
        string="Leads", default=lambda self: self._default_lead_ids())
    left_ids = fields.Many2many(
        "crm.lead", "crm_lead_assign_left_rel", "wizard_id", "lead_id",
        string="Left Unassigned", readonly=True)
    state = fields.Selection([("draft", "To Assign"), ("done", "Done")],
                             default="draft", readonly=True)
    lead_count = fields.Integer("Selected", compute="_compute_lead_count")
    assigned_count = fields.Integer("Assigned", readonly=True)
    no_capacity_count = fields.Integer("No Member with Room", readonly=True)
    no_rule_count = fields.Integer("No Matching Rule", readonly=True)
    skipped_count = fields.Integer(
        "Skipped", readonly=True,
        help="Leads that already had a salesperson, or were won or lost.")
    summary = fields.Text(readonly=True)
    has_left = fields.Boolean(readonly=True)

    @api.model
    def _default_lead_ids(self):
        if self.env.context.get("active_model") == "crm.lead":
            return [(6, 0, self.env.context.get("active_ids") or [])]
        return []

    @api.multi
    @api.depends("lead_ids")
    def _compute_lead_count(self):
        for wizard in self:
            wizard.lead_count = len(wizard.lead_ids)

    @api.multi
    def action_assign(self):
        self.ensure_one()
        rules = self.env["crm.assignment.rule"]
        rules._check_assign_rights()
        # the user must be allowed to change every lead they selected
        self.lead_ids.check_access_rights("write")
        self.lead_ids.check_access_rule("write")
        result = rules._assign_leads(self.lead_ids.ids, "manual")
        self._record(result)
        return self._reopen()

    @api.model
    def _show_result(self, lead_ids, result):
        """A finished wizard showing ``result`` (of ``_assign_leads``)."""
        wizard = self.create({"lead_ids": [(6, 0, lead_ids)]})
        wizard._record(result)
        return wizard._reopen()

    def _record(self, result):
        values = {
            "state": "done",
            "assigned_count": len(result["assigned"]),
            "no_capacity_count": len(result["no_capacity"]),
            "no_rule_count": len(result["no_rule"]),
            "skipped_count": len(result["skipped"]),
            "left_ids": [(6, 0, result["no_capacity"] + result["no_rule"])],
            "has_left": bool(result["no_capacity"] or result["no_rule"]),
        }
        lines = [_("%d leads assigned.") % values["assigned_count"]]
        if result["no_capacity"]:
            lines.append(_("%d leads matched a rule but no member had room: they "
                           "stay unassigned until someone has capacity again.")
                         % values["no_capacity_count"])
        if result["no_rule"]:
            lines.append(_("%d leads matched no active rule of their team.")
                         % values["no_rule_count"])
        if result["skipped"]:
            lines.append(_("%d leads were skipped: they already have a salesperson "
                           "or are won or lost.") % values["skipped_count"])
        values["summary"] = "\n".join(lines)
        self.write(values)

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Assign Leads by Rules"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.multi
    def action_view_left(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Leads Left Unassigned"),
            "res_model": "crm.lead",
            "view_mode": "tree,form",
            "domain": [("id", "in", self.left_ids.ids)],
        }
