from odoo import api, models


class Lead2OpportunityPartner(models.TransientModel):
    """Odoo's "Convert to Opportunity" dialog (and its mass variant, which inherits
    it) checks and claims the customers first, then converts; see
    crm.lead._crm_prepare_conversion for the rules."""

    _inherit = "crm.lead2opportunity.partner"
    _crm_active_model = "crm.lead"  # the context's active ids are of this model

    @api.model
    def default_get(self, fields):
        """A rep opening the dialog on a lead of a customer someone else owns
        learns at once whom to ask (rather than meeting an access error)."""
        lead_id = self.env.context.get("active_id")
        if lead_id and self.env.context.get("active_model", "crm.lead") == "crm.lead":
            lead = self.env["crm.lead"].browse(lead_id)
            lead._crm_prepare_conversion(
                {lead.id: lead.partner_id},
                lead._crm_planned_salespeople([], lead), claim=False)
        return super(Lead2OpportunityPartner, self).default_get(fields)

    @api.multi
    def _convert_opportunity(self, vals):
        self.ensure_one()
        leads = self.env["crm.lead"].browse(vals.get("lead_ids"))
        allocated = leads
        if self.env.context.get("no_force_assignation"):
            allocated = leads.filtered(lambda lead: not lead.user_id)
        salespeople = leads._crm_planned_salespeople(vals.get("user_ids"), allocated)
        owners = leads._crm_prepare_conversion(
            self._crm_conversion_customers(leads, vals), salespeople)
        res = super(Lead2OpportunityPartner, self.with_context(
            crm_conversion_planned=True, crm_conversion_owners=owners,
        ))._convert_opportunity(vals)
        leads._crm_assign_converted(owners)
        return res

    def _crm_conversion_customers(self, leads, vals):
        """{lead id: res.partner} the existing customer each lead will be linked to,
        as Odoo's conversion decides it: the lead's own customer, else none when a
        customer is created for it, else the chosen one."""
        chosen = self.env["res.partner"].browse(vals.get("partner_id") or [])
        creates = self.action in ("create", "each_exist_or_create")
        return {lead.id: lead.partner_id or (chosen if not creates else chosen.browse())
                for lead in leads}
