from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmLead(models.Model):
    """Why a deal was lost (a value of the "lost_reason" dictionary) and, when it
    went to a competitor, to whom (a value of the "competitor" dictionary). Odoo's
    own ``lost_reason`` follows: a dictionary value may name the Odoo lost reason
    it stands for, which is then set with it, so Odoo's Pipeline Analysis and
    filters keep working."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    lost_reason_id = fields.Many2one(
        "crm.dictionary.item", "Loss Reason", index=True, copy=False,
        track_visibility="onchange", ondelete="restrict",
        domain=[("dictionary_code", "=", "lost_reason")])
    competitor_id = fields.Many2one(
        "crm.dictionary.item", "Won by Competitor", index=True, copy=False,
        track_visibility="onchange", ondelete="restrict",
        domain=[("dictionary_code", "=", "competitor")])

    @api.multi
    @api.constrains("lost_reason_id", "competitor_id")
    def _check_lost_dictionaries(self):
        for lead in self:
            if lead.lost_reason_id and \
                    lead.lost_reason_id.dictionary_code != "lost_reason":
                raise ValidationError(_(
                    "%(value)s is not a loss reason (dictionary %(dictionary)s).") % {
                        "value": lead.lost_reason_id.name,
                        "dictionary": lead.lost_reason_id.dictionary_id.name})
            if lead.competitor_id and \
                    lead.competitor_id.dictionary_code != "competitor":
                raise ValidationError(_(
                    "%(value)s is not a competitor (dictionary %(dictionary)s).") % {
                        "value": lead.competitor_id.name,
                        "dictionary": lead.competitor_id.dictionary_id.name})

    @api.multi
    def write(self, vals):
        vals = self._prepare_lost_vals(vals)
        return super(CrmLead, self).write(vals)

    @api.model
    def _prepare_lost_vals(self, vals):
        """Odoo's lost reason follows the dictionary's; a deal restored from lost
        forgets why it was lost."""
        if vals.get("lost_reason_id") and "lost_reason" not in vals:
            item = self.env["crm.dictionary.item"].browse(vals["lost_reason_id"])
            vals = dict(vals, lost_reason=item.crm_lost_reason_id.id or False)
        if vals.get("active") is True:
            vals = dict(vals)
            for field in ("lost_reason_id", "competitor_id", "lost_reason"):
                vals.setdefault(field, False)
        return vals
