from odoo import fields, models


class MailMassMailing(models.Model):
    """A mass mailing made by a marketing send knows its send: its unsubscribe
    links record opt-outs in the consent ledger."""

    _inherit = "mail.mass_mailing"

    crm_send_id = fields.Many2one("crm.marketing.send", "Marketing Send",
                                  readonly=True, index=True, ondelete="set null")
