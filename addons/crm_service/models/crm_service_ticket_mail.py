from email.utils import parseaddr

from odoo import _, api, models
from odoo.tools import html2plaintext

#: channels whose new tickets are acknowledged to the customer (来件自动确认)
ACKNOWLEDGED_CHANNELS = ("email", "portal")


def _ilike_escape(value):
    """``value`` for an exact, case-insensitive ``=ilike``: its wildcards
    (``_``, ``%``) and backslashes are literal."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CrmServiceTicket(models.Model):
    """The e-mail channel: mail to a team's alias becomes a ticket, replies thread
    to it, a customer's reply resumes a ticket waiting for them, and new tickets
    from mail or the portal are acknowledged to the customer."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.service.ticket"

    # customers (portal users) answer on tickets they can only read
    _mail_post_access = "read"

    @api.model
    def create(self, vals):
        ticket = super(CrmServiceTicket, self).create(vals)
        # not for tickets recorded as already closed (imports, history)
        if ticket.channel in ACKNOWLEDGED_CHANNELS and ticket.is_open:
            ticket._send_acknowledgement()
        return ticket

    # -- incoming mail -----------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new mail to a team's alias: a ticket with the subject, the body as
        plain text, and the customer found by the sender's address (any case), or
        the sender's name and address when nobody has it."""
        values = dict(custom_values or {})
        name, email = parseaddr(msg_dict.get("email_from") or "")
        email = email.strip()
        partner = self._find_customer_by_email(email)
        values.update({
            "name": (msg_dict.get("subject") or "").strip() or _("(no subject)"),
            "description": html2plaintext(msg_dict.get("body") or "").strip(),
            "channel": "email",
        })
        if partner:
            values.update({
                "partner_id": partner.id,
                "contact_name": partner.name,
                "contact_email": partner.email,
                "contact_phone": partner.mobile or partner.phone,
            })
        else:
            values.update({
                "contact_name": name.strip() or email.split("@")[0],
                "contact_email": email if "@" in email else False,
            })
        team = self.env["crm.service.team"].browse(values.get("team_id"))
        if team and not values.get("category_id") and team.category_ids:
            values["category_id"] = team.category_ids[0].id
        ticket = super(CrmServiceTicket, self).message_new(
            msg_dict, custom_values=values)
        if partner:
            ticket.message_subscribe(partner_ids=partner.ids)
        return ticket

    @api.model
    def _find_customer_by_email(self, email):
        """The partner having the address ``email``, whatever its case: a
        person before a company."""
        if not email or "@" not in email:
            return self.env["res.partner"]
        partners = self.env["res.partner"].search(
            [("email", "=ilike", _ilike_escape(email))], limit=2,
            order="is_company, id")
        return partners[:1]

    def _message_post_after_hook(self, message):
        """A reply of the customer (by mail or on the portal) to a ticket waiting
        for them puts it back to work."""
        res = super(CrmServiceTicket, self)._message_post_after_hook(message)
        if (self.state == "waiting"
                and message.message_type in ("email", "comment")
                and self._is_customer_message(message)):
            self.sudo().action_resume()  # sudo: the customer may not write tickets
        return res

    def _is_customer_message(self, message):
        author = message.author_id
        if author:
            return bool(self.commercial_partner_id) and \
                author.commercial_partner_id == self.commercial_partner_id
        _name, email = parseaddr(message.email_from or "")
        return bool(email) and email.lower() == (self.contact_email or "").lower()

    @api.multi
    def message_get_suggested_recipients(self):
        recipients = super(CrmServiceTicket, self).message_get_suggested_recipients()
        for ticket in self:
            if ticket.partner_id:
                ticket._message_add_suggested_recipient(
                    recipients, partner=ticket.partner_id, reason=_("Customer"))
            elif ticket.contact_email:
                ticket._message_add_suggested_recipient(
                    recipients, email=ticket.contact_email,
                    reason=_("Customer Email"))
        return recipients

    # -- acknowledgement ---------------------------------------------------

    def _send_acknowledgement(self):
        """Queue the acknowledgement to the customer of each ticket whose team
        acknowledges (a ticket without a team gets the default one); sent by the
        mail queue after the commit."""
        default = self.env.ref("crm_service.mail_template_ticket_acknowledge",
                               raise_if_not_found=False)
        for ticket in self:
            team = ticket.team_id
            if team and not team.auto_acknowledge:
                continue
            if not (ticket.partner_id.email or ticket.contact_email):
                continue
            template = team.acknowledge_template_id or default
            if template:
                system = template.sudo()  # sudo: a system mail, whoever records it
                system.send_mail(ticket.id)
        return True
