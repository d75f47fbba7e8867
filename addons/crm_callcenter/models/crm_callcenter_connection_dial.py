import json
import logging
import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.addons.crm_core.lib.phone import mask_phone, normalize_phone

_logger = logging.getLogger(__name__)


class CrmCallcenterConnection(models.Model):
    """Click-to-dial through the connection's adapter, number masking, and the
    call-statistics threshold of this phone system."""

    _inherit = "crm.callcenter.connection"

    mask_numbers = fields.Boolean(
        "Mask Numbers for Agents",
        help="Agents see customers' numbers as 138****8000 in call lists and dial "
             "previews and dial them without ever receiving them; supervisors "
             "see them in full.")
    effective_call_seconds = fields.Integer(
        "Effective Call Threshold (s)", default=30, required=True,
        help="An answered call counts as effective in the statistics when it "
             "lasted longer than this.")

    @api.multi
    def _display_number(self, number):
        """``number`` as the current user may see it: masked for agents when this
        phone system masks numbers, in full otherwise."""
        if not number:
            return ""
        if not any(self.mapped("mask_numbers")):
            return number
        if self.env.user.has_group("crm_core.group_callcenter_supervisor"):
            return number
        return mask_phone(number)

    @api.model
    def _dial_for_user(self, number, partner=None, origin=None, call_vals=None):
        """Dial ``number`` from the current user's first extension, on that
        extension's phone system."""
        agent = self.env["crm.callcenter.agent"]._for_user()
        if not agent:
            raise UserError(_("You are not a call-center agent: ask a supervisor "
                              "to make you one, with an extension."))
        extension = agent._extension_on()
        return extension.connection_id.dial(number, partner=partner, origin=origin,
                                            call_vals=call_vals)

    @api.multi
    def dial(self, number, partner=None, origin=None, call_vals=None):
        """Click-to-dial (点击拨号): ring the current user's extension on this phone
        system and connect it to ``number``. Logs the request (crm.callcenter.dial.log)
        and opens the outbound call it starts, whose PBX call id is sent with
        the request so that the PBX's events update that call. The 'local'
        adapter only records the request; the 'http' adapter POSTs it to the
        originate URL after the transaction commits (never twice: see
        crm.callcenter.dial.log._send_queued). Returns the log entry."""
        self.ensure_one()
        agent = self.env["crm.callcenter.agent"]._for_user()
        if not agent:
            raise UserError(_("You are not a call-center agent: ask a supervisor "
                              "to make you one, with an extension."))
        extension = agent._extension_on(self)
        e164 = normalize_phone(number or "", self.country_code or "CN")
        if not e164:
            raise UserError(_("Number: %s is not a phone number that can be "
                              "dialled.") % (self._display_number(number) or "-"))
        if self.adapter == "http" and not self.originate_url:
            raise UserError(_("Originate URL: the phone system %s has no address to "
                              "send dial requests to.") % self.name)
        reference = uuid.uuid4().hex
        now = fields.Datetime.now()
        vals = {
            "connection_id": self.id, "pbx_call_id": "dial-%s" % reference,
            "direction": "outbound", "disposition": "ringing", "start_date": now,
            "caller_number": extension.number, "called_number": e164,
            "called_e164": e164, "customer_number": e164,
            "agent_id": agent.id, "user_id": agent.user_id.id,
            "extension": extension.number,
            "partner_id": partner.id if partner else False,
        }
        vals.update(call_vals or {})
        # the dial service writes the call and its log; agents only read theirs
        call = self.env["crm.callcenter.call"].sudo().create(vals)  # sudo: see above
        log = self.env["crm.callcenter.dial.log"].sudo().create({  # sudo: see above
            "connection_id": self.id, "user_id": self.env.uid,
            "agent_id": agent.id, "extension": extension.number, "number": e164,
            "number_masked": mask_phone(e164), "reference": reference,
            "partner_id": partner.id if partner else False,
            "call_id": call.id,
            "origin": "%s,%s" % (origin._name, origin.id) if origin else False,
            "state": "queued" if self.adapter == "http" else "recorded",
            "request": json.dumps(self._originate_payload(extension.number, e164,
                                                          reference, call)),
        })
        if self.adapter == "http":
            log._send_after_commit()
        return log.sudo(self.env.uid)  # sudo: back to the user's own rights

    def _originate_payload(self, extension, number, reference, call):
        """What the 'http' adapter sends: the extension to ring first, the number
        to call (E.164 and national digits), and the call id the PBX is to use
        in its events for this call (Asterisk's Originate ChannelId, FreeSWITCH's
        origination_uuid)."""
        national = number
        if number.startswith("+86"):
            national = number[3:]
        return {"extension": extension, "number": number, "national": national,
                "call_id": call.pbx_call_id, "reference": reference,
                "connection": self.name}
