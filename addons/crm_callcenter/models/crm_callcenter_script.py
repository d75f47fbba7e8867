from odoo import api, fields, models


class CrmCallcenterScript(models.Model):
    """A call script (台词提示): what the agent says, step by step, with questions
    whose answers choose the next step. A script applies to calls of a campaign,
    of a call reason, about a ticket category or through a queue; the most
    specific one that matches a call is shown on it."""

    _name = "crm.callcenter.script"
    _description = "Call Script"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True,
                                 default=lambda self: self.env.user.company_id)
    description = fields.Text(translate=True)
    campaign_ids = fields.Many2many(
        "utm.campaign", "crm_callcenter_script_campaign_rel", "script_id",
        "campaign_id", "Campaigns")
    reason_ids = fields.Many2many(
        "crm.dictionary.item", "crm_callcenter_script_reason_rel", "script_id",
        "reason_id", "Call Reasons", domain=[("dictionary_code", "=", "call_reason")])
    category_ids = fields.Many2many(
        "crm.service.category", "crm_callcenter_script_category_rel", "script_id",
        "category_id", "Ticket Categories",
        help="Also applies to the subcategories.")
    queue_ids = fields.Many2many("crm.callcenter.queue",
                                 "crm_callcenter_script_queue_rel", "script_id",
                                 "queue_id", "Queues")
    step_ids = fields.One2many("crm.callcenter.script.step", "script_id", "Steps",
                               copy=True)
    step_count = fields.Integer("Steps", compute="_compute_step_count")

    @api.multi
    @api.depends("step_ids")
    def _compute_step_count(self):
        for script in self:
            script.step_count = len(script.step_ids)

    @api.model
    def _find_for_call(self, call):
        """The script shown on ``call``."""
        return self._find(campaign=call.campaign_id, reason=call.reason_id,
                          category=call.ticket_id.category_id, queue=call.queue_id)

    @api.model
    def _find(self, campaign=None, reason=None, category=None, queue=None):
        """The most specific script that applies: by campaign, else by call
        reason, else by ticket category (the nearest parent category counts), else
        by queue, else a script that names none of these; the first by sequence
        at each level."""
        categories = self.env["crm.service.category"]
        while category:
            categories |= category
            category = category.parent_id
        scripts = self.search([
            "|", "|", "|", "|",
            ("campaign_ids", "in", campaign.ids if campaign else []),
            ("reason_ids", "in", reason.ids if reason else []),
            ("category_ids", "in", categories.ids),
            ("queue_ids", "in", queue.ids if queue else []),
            "&", "&", "&", ("campaign_ids", "=", False), ("reason_ids", "=", False),
            ("category_ids", "=", False), ("queue_ids", "=", False)])
        if campaign:
            found = scripts.filtered(lambda s: campaign in s.campaign_ids)
            if found:
                return found[0]
        if reason:
            found = scripts.filtered(lambda s: reason in s.reason_ids)
            if found:
                return found[0]
        for nearest in categories:
            found = scripts.filtered(lambda s: nearest in s.category_ids)
            if found:
                return found[0]
        if queue:
            found = scripts.filtered(lambda s: queue in s.queue_ids)
            if found:
                return found[0]
        generic = scripts.filtered(
            lambda s: not (s.campaign_ids or s.reason_ids or s.category_ids
                           or s.queue_ids))
        return generic[:1]
