"""What an agent does with a call: a ticket, a lead, a follow-up or a customer
from it, or the call attached to the open ticket it is about."""
from odoo import _, api, models
from odoo.exceptions import AccessError, UserError


class CrmCallcenterCall(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.callcenter.call"

    @api.multi
    def _number_label(self):
        self.ensure_one()
        return self.customer_number_display or _("an unknown number")

    @api.multi
    def _call_link(self):
        self.ensure_one()
        base = self.env["ir.config_parameter"].sudo().get_param(  # sudo: a setting
            "web.base.url", "")
        return "%s/web#id=%d&model=crm.callcenter.call&view_type=form" % (
            base, self.id)

    @api.multi
    def _open(self, record, target="current"):
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": target,
        }

    # --- ticket ----------------------------------------------------------------------

    @api.multi
    def _prepare_ticket_vals(self):
        """A phone ticket about this call: the caller, the customer and contact, the
        agent's notes, and the link to the call (where allowed roles play its
        recording; the recording's own address stays on the call)."""
        self.ensure_one()
        person = self.contact_id or self.partner_id
        subject = _("Call from %s") if self.direction != "outbound" \
            else _("Call to %s")
        lines = [self.notes or ""]
        lines.append(_("Call: %s") % self._call_link())
        if self.has_recording:
            lines.append(_("Recording: on the call, for the roles allowed to play "
                           "recordings."))
        return {
            "name": subject % self._number_label(),
            "channel": "phone",
            "ticket_type": "request",
            "partner_id": person.id or False,
            "contact_name": person.name or False,
            "contact_phone": self.customer_number_display or False,
            "contact_email": person.email or False,
            "description": "\n".join(line for line in lines if line),
            "company_id": self.company_id.id or self.env.user.company_id.id,
        }

    @api.multi
    def action_create_ticket(self):
        """Create Ticket: a phone ticket pre-filled from the call, linked to it."""
        self.ensure_one()
        if self.ticket_id:
            return self._open(self.ticket_id)
        ticket = self.env["crm.service.ticket"].create(self._prepare_ticket_vals())
        self.write({"ticket_id": ticket.id})
        return self._open(ticket)

    @api.multi
    def action_attach_ticket(self):
        """Attach to Open Ticket: the customer called again about the ticket an
        earlier contact opened; this call is a repeat contact of it (the earlier
        calls of the ticket are then not resolved at first contact)."""
        self.ensure_one()
        ticket = self.repeat_ticket_id
        if not ticket:
            raise UserError(_("This customer has no open ticket from a recent call "
                              "to attach this call to."))
        self.write({"ticket_id": ticket.id, "is_repeat": True})
        return True

    # --- lead ------------------------------------------------------------------------

    @api.multi
    def _prepare_lead_vals(self):
        self.ensure_one()
        Lead = self.env["crm.lead"]
        person = self.contact_id or self.partner_id
        vals = {}
        if person:
            vals.update(Lead._onchange_partner_id_values(person.id))
        medium = self.env.ref("utm.utm_medium_phone", raise_if_not_found=False)
        who = person.display_name or self._number_label()
        vals.update({
            "name": _("Call from %s") % who,
            "type": "lead",
            "partner_id": person.id or False,
            "phone": self.customer_number_display or vals.get("phone") or False,
            "description": self.notes or False,
            "user_id": False,
            "team_id": self.partner_id.team_id.id or False,
            "medium_id": medium.id if medium else False,
            "campaign_id": self.campaign_id.id or False,
        })
        return vals

    @api.multi
    def action_create_lead(self):
        """Create Lead: a lead for the sales team (assigned by its rules), linked
        to the call; opened when the agent may see it."""
        self.ensure_one()
        if self.lead_id:
            return self._open(self.lead_id)
        lead = self.env["crm.lead"].create(self._prepare_lead_vals())
        self.write({"lead_id": lead.id})
        if self.env["crm.lead"].search([("id", "=", lead.id)]):
            return self._open(lead)
        return True

    # --- follow-up -------------------------------------------------------------------

    @api.multi
    def action_log_followup(self):
        """Log Follow-up: the follow-up form, filled in from the call."""
        self.ensure_one()
        if not self.partner_id:
            raise UserError(_("Match or create the customer first: a follow-up "
                              "belongs to a customer."))
        channel = self.env.ref("crm_core.dictionary_followup_channel_phone",
                               raise_if_not_found=False)
        summary = self.notes or _("Phone call with %s") % self._number_label()
        return {
            "type": "ir.actions.act_window",
            "name": _("Log Follow-up"),
            "res_model": "crm.followup",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_contact_id": self.contact_id.id or False,
                "default_channel_id": channel.id if channel else False,
                "default_summary": summary,
                "default_callcenter_call_id": self.id,
            },
        }

    # --- customer --------------------------------------------------------------------

    @api.multi
    def action_create_customer(self):
        """Create Customer (unknown number): the customer form with the number;
        saving it links the customer to this call."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("New Customer"),
            "res_model": "res.partner",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_customer": True,
                "default_phone": self.customer_number_display or False,
                "crm_callcenter_call_id": self.id,
            },
        }

    @api.multi
    def _link_new_partner(self, partner):
        """A customer created from this call's Create Customer: the call gets it
        when the call has none yet and the number is the partner's (the context
        key also reaches other partners created meanwhile, which do not match)."""
        self.ensure_one()
        numbers = {partner.phone_sanitized, partner.mobile_sanitized} - {False, None}
        if self.partner_id or not self.customer_number or \
                self.customer_number not in numbers:
            return False
        try:
            self.check_access_rule("write")
        except AccessError:
            return False
        self.write({
            "partner_id": partner.commercial_partner_id.id,
            "contact_id": partner.id if partner.parent_id else False,
            "match_count": 1,
            "match_note": _("Created from this call."),
        })
        return True
