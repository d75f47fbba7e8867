import werkzeug.urls

from odoo import models


class MailMail(models.Model):
    """The unsubscribe link of a marketing send's e-mail opens our page, which
    records the opt-out in the consent ledger (Odoo's own link only ticks the
    contact's opt-out box)."""

    _inherit = "mail.mail"

    def _get_unsubscribe_url(self, email_to):
        if not self.mailing_id.crm_send_id:
            return super(MailMail, self)._get_unsubscribe_url(email_to)
        params = self.env["ir.config_parameter"].sudo()  # sudo: the base URL
        base_url = params.get_param("web.base.url")
        return werkzeug.urls.url_join(
            base_url, "crm_core/unsubscribe/%d/%d?%s" % (
                self.mailing_id.id, self.res_id, werkzeug.urls.url_encode({
                    "email": email_to,
                    "token": self.mailing_id._unsubscribe_token(
                        self.res_id, email_to),
                })))
