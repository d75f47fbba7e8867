from odoo import _, api, fields, models

from ..models.crm_marketing_send import PRIORITIES
from ..models.crm_sms_message import PURPOSES


class ResPartnerSmsSend(models.TransientModel):
    """Send an SMS to one customer or to many chosen in a list (single and bulk
    send): one message per person, queued with a priority and a send time;
    whoever has no mobile number or no consent for the purpose is left out
    with the reason."""

    _name = "res.partner.sms.send"
    _description = "Send SMS"
    _crm_active_model = "res.partner"  # the context's active ids are of this model

    partner_ids = fields.Many2many(
        "res.partner", "res_partner_sms_send_partner_rel", "wizard_id", "partner_id",
        string="Recipients", required=True,
        default=lambda self: self._default_partners())
    gateway_id = fields.Many2one(
        "crm.sms.gateway", "SMS Gateway", required=True,
        default=lambda self: self.env["crm.sms.gateway"]._default_gateway())
    purpose = fields.Selection(
        PURPOSES, required=True, default="service",
        help="Marketing needs the person's consent to marketing SMS; service "
             "messages (about their orders and requests) their consent to service "
             "SMS.")
    campaign_id = fields.Many2one("utm.campaign")
    body = fields.Text("Text", help="{name} becomes the recipient's name.")
    template_code = fields.Char(help="The gateway's approved template; empty: the "
                                     "gateway's default template.")
    priority = fields.Selection(PRIORITIES, default="1", required=True)
    scheduled_date = fields.Datetime("Send At",
                                     help="Leave empty to send at once.")

    @api.model
    def _default_partners(self):
        if self.env.context.get("active_model") == "res.partner":
            return [(6, 0, self.env.context.get("active_ids") or [])]
        return []

    @api.multi
    def action_send(self):
        self.ensure_one()
        messages = self.env["crm.sms.message"]._queue_for_partners(
            self.partner_ids, {
                "gateway_id": self.gateway_id.id, "body": self.body,
                "template_code": self.template_code, "priority": self.priority,
                "scheduled_date": self.scheduled_date,
                "campaign_id": self.campaign_id.id}, purpose=self.purpose)
        return {
            "type": "ir.actions.act_window",
            "name": _("SMS Messages"),
            "res_model": "crm.sms.message",
            "view_mode": "tree,form",
            "domain": [("id", "in", messages.ids)],
        }
