from odoo import api, fields, models


class CrmLead(models.Model):
    """First-touch attribution: a lead remembers the first campaign it was
    attributed to, and its customer the first campaign of any of its leads or
    orders; the campaign it carries now is the last touch."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    first_campaign_id = fields.Many2one(
        "utm.campaign", readonly=True, copy=False, index=True,
        help="The first campaign this lead was attributed to (first-touch "
             "attribution); the Campaign field is the last touch.")

    @api.model
    def create(self, vals):
        if vals.get("campaign_id") and not vals.get("first_campaign_id"):
            vals = dict(vals, first_campaign_id=vals["campaign_id"])
        lead = super(CrmLead, self).create(vals)
        if lead.first_campaign_id and lead.partner_id:
            lead.partner_id._stamp_first_campaign(lead.first_campaign_id)
        return lead

    @api.multi
    def write(self, vals):
        result = super(CrmLead, self).write(vals)
        if vals.get("campaign_id") or vals.get("partner_id"):
            self._stamp_first_campaign()
        return result

    @api.multi
    def _capture_note(self, form, values):
        """A web-form post that duplicates this open lead: the form's campaign
        becomes the lead's (last touch) as well."""
        result = super(CrmLead, self)._capture_note(form, values)
        if form.campaign_id and form.campaign_id != self.campaign_id:
            self.write({"campaign_id": form.campaign_id.id})
        return result

    @api.multi
    def _stamp_first_campaign(self):
        """Give the leads without a first campaign their current one, and their
        customers without one the lead's, in two statements (attribution columns
        the system keeps: the user's rights to write the customer do not
        matter)."""
        if not self.ids:
            return
        self.env.cr.execute("""
            UPDATE crm_lead SET first_campaign_id = campaign_id
             WHERE id IN %s AND first_campaign_id IS NULL
               AND campaign_id IS NOT NULL
        """, (tuple(self.ids),))
        self.env.cr.execute("""
            UPDATE res_partner p SET first_campaign_id = f.campaign_id,
                   first_campaign_date = now() AT TIME ZONE 'UTC'
              FROM (SELECT DISTINCT ON (c.commercial_partner_id)
                           c.commercial_partner_id AS partner_id,
                           l.first_campaign_id AS campaign_id
                      FROM crm_lead l
                      JOIN res_partner c ON c.id = l.partner_id
                     WHERE l.id IN %s AND l.first_campaign_id IS NOT NULL
                     ORDER BY c.commercial_partner_id, l.create_date, l.id) f
             WHERE p.id = f.partner_id AND p.first_campaign_id IS NULL
        """, (tuple(self.ids),))
        self.invalidate_cache(["first_campaign_id"], self.ids)
        self.env["res.partner"].invalidate_cache(
            ["first_campaign_id", "first_campaign_date"])
