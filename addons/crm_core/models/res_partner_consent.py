from odoo import fields, models

ANSWERS = [("opt_in", "Opt-in"), ("opt_out", "Opt-out"), ("none", "Not Asked")]


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    consent_ids = fields.One2many("crm.consent", "partner_id", "Consent History")
    consent_email = fields.Selection(ANSWERS, "Marketing E-mail Consent",
                                     compute="_compute_consent")
    consent_sms = fields.Selection(ANSWERS, "Marketing SMS Consent",
                                   compute="_compute_consent")
    consent_phone = fields.Selection(ANSWERS, "Marketing Calls Consent",
                                     compute="_compute_consent")

    def _compute_consent(self):
        ledger = self.env["crm.consent"]
        ids = set(self.ids) | set(self.mapped("commercial_partner_id").ids)
        for channel in ("email", "sms", "phone"):
            status = ledger._latest_status(ids, channel, "marketing")
            for partner in self:
                partner["consent_%s" % channel] = (
                    status.get(partner.id)
                    or status.get(partner.commercial_partner_id.id) or "none")

    def action_record_consent(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env["crm.consent"]._description,
            "res_model": "crm.consent",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }
