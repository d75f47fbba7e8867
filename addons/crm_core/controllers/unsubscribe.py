"""Unsubscribe links of marketing e-mail (B10, §3-14): the link in each e-mail of a
marketing send opens ``/crm_core/unsubscribe/<mailing>/<recipient>?email=&token=``,
a page that asks to confirm; confirming (POST) appends an opt-out from marketing
e-mail to the recipient's consent ledger. A second confirmation adds nothing.

Answers: 200 with the page; 403 for a token that does not match the mailing,
the recipient and the address; 404 for an unknown mailing or recipient. Nothing
is written unless the answer is 200 to a POST."""
import logging

from odoo import http
from odoo.http import request
from odoo.tools import consteq

_logger = logging.getLogger(__name__)

PREFIX = "/crm_core/unsubscribe/"


class UnsubscribeController(http.Controller):

    @http.route(PREFIX + "<int:mailing_id>/<int:partner_id>", type="http",
                auth="public", methods=["GET", "POST"], csrf=False)
    def unsubscribe(self, mailing_id, partner_id, email="", token="", **kwargs):
        mailings = request.env["mail.mass_mailing"].sudo()  # sudo: the token authorises
        mailing = mailings.browse(mailing_id).exists()
        partners = request.env["res.partner"].sudo()  # sudo: the token authorises
        partner = partners.browse(partner_id).exists()
        if not mailing or not mailing.crm_send_id or not partner:
            return self._page(404, "unknown", partner)
        expected = mailing._unsubscribe_token(partner_id, email)
        if not consteq(str(token), expected):
            return self._page(403, "invalid", partner)
        if request.httprequest.method == "GET":
            return self._page(200, "confirm", partner, email=email, token=token,
                              action=request.httprequest.path)
        mailing.crm_send_id._record_unsubscribe(partner, mailing)
        _logger.info("Unsubscribe link of mailing %s: partner %s opted out",
                     mailing.id, partner.id)
        return self._page(200, "done", partner)

    def _page(self, status, state, partner, **values):
        lang = partner.lang if partner else None
        views = request.env["ir.ui.view"].sudo().with_context(  # sudo: public page
            lang=lang or "en_US")
        values.update({"state": state, "lang": (lang or "en_US").replace("_", "-")})
        html = views.render_template("crm_core.unsubscribe_page", values)
        return http.Response(html, status=status, headers=[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-store"),
        ])
