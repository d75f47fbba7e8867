from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.addons.crm_core.lib.phone import normalize_phone

from ..lib.events import HIDDEN_NUMBERS

ROUTE_RULES = [
    ("owner", "Customer's Owner"),
    ("skill", "Best Skill Match"),
    ("longest_idle", "Longest Available"),
    ("only_agent", "Only Available Agent"),
    ("waiting", "Waiting in Queue"),
    ("overflow", "Overflow"),
]
#: dispositions after which a call of an outbound list is over
FINAL_DISPOSITIONS = ("answered", "no_answer", "busy", "failed", "abandoned",
                      "voicemail")
#: fields whose change the wallboard shows
WALLBOARD_FIELDS = {"disposition", "answer_date", "end_date", "queue_id",
                    "agent_id", "queued_date"}


class CrmCallcenterCall(models.Model):
    """A call's way through routing and the IVR, its outbound list entry, its
    call reason and the answers to the script read on it."""

    _inherit = "crm.callcenter.call"

    queue_id = fields.Many2one("crm.callcenter.queue", index=True,
                               ondelete="set null", readonly=True)
    queued_date = fields.Datetime("Queued", readonly=True, index=True)
    routed_date = fields.Datetime(
        "Last Routing Request", readonly=True,
        help="The PBX's time of the last routing request for this call.")
    priority = fields.Integer(
        "Queue Priority", default=0, readonly=True,
        help="1 for the callers of a VIP level of the queue: they wait ahead.")
    route_rule = fields.Selection(ROUTE_RULES, "Routing Rule", readonly=True)
    route_reason = fields.Char("Routing Decision", readonly=True)
    reason_id = fields.Many2one(
        "crm.dictionary.item", "Call Reason", index=True,
        domain=[("dictionary_code", "=", "call_reason")])
    list_entry_id = fields.Many2one("crm.callcenter.call.list.entry",
                                    "Call List Entry", index=True, readonly=True,
                                    ondelete="set null")
    answer_ids = fields.One2many("crm.callcenter.call.answer", "call_id",
                                 "Script Answers")
    customer_number_display = fields.Char(
        "Customer Number", compute="_compute_customer_number_display",
        help="Masked for agents when the phone system masks numbers.")

    @api.multi
    @api.depends("customer_number", "caller_number", "called_number", "direction",
                 "connection_id.mask_numbers")
    def _compute_customer_number_display(self):
        """The customer's number through the connection's _display_number (the
        one formatting of the call center: the caller list, the form, the
        pop-up); a hidden caller id ("anonymous") as the phone system sent it."""
        for call in self:
            raw = call.called_number if call.direction == "outbound" \
                else call.caller_number
            if not call.customer_number and raw and raw.lower() in HIDDEN_NUMBERS:
                call.customer_number_display = raw
            else:
                call.customer_number_display = call.connection_id._display_number(
                    call.customer_number or raw)

    @api.model
    def create(self, vals):
        call = super(CrmCallcenterCall, self).create(vals)
        self.env["crm.callcenter.queue"]._notify_wallboard()
        return call

    @api.multi
    def write(self, vals):
        result = super(CrmCallcenterCall, self).write(vals)
        if WALLBOARD_FIELDS & set(vals):
            self.env["crm.callcenter.queue"]._notify_wallboard()
        if vals.get("disposition") in FINAL_DISPOSITIONS:
            self._update_list_entries()
        return result

    def _update_list_entries(self):
        """The outbound list entries whose current call just ended are done, or
        retried later, or failed (see crm.callcenter.call.list.entry)."""
        calls = self.filtered(
            lambda call: call.list_entry_id.state == "in_progress"
            and call.list_entry_id.last_call_id == call)
        for disposition in set(calls.mapped("disposition")):
            same = calls.filtered(lambda call: call.disposition == disposition)
            same.mapped("list_entry_id")._apply_disposition(disposition)

    @api.model
    def _acd_call_for(self, connection, pbx_call_id, number=None, at=None):
        """The call ``pbx_call_id`` of ``connection``, created (inbound, ringing,
        from ``number``) when the PBX asks about a call before any event of it.
        Of two requests racing to create it, the second fails on the unique
        constraint (the controllers answer 409: send again)."""
        domain = [("connection_id", "=", connection.id),
                  ("pbx_call_id", "=", pbx_call_id)]
        call = self.search(domain, limit=1)
        if call:
            if number and not call.caller_number:
                call.write(self._acd_number_vals(connection, number))
            return call
        vals = {"connection_id": connection.id, "pbx_call_id": pbx_call_id,
                "direction": "inbound", "disposition": "ringing",
                "start_date": at or fields.Datetime.now()}
        vals.update(self._acd_number_vals(connection, number))
        return self.create(vals)

    @api.model
    def _acd_number_vals(self, connection, number):
        if not number:
            return {}
        e164 = normalize_phone(number, connection.country_code or "CN")
        return {"caller_number": number, "caller_e164": e164,
                "customer_number": e164}

    @api.multi
    def _append_ivr_path(self, *steps):
        """Add ``steps`` to the IVR path ("main>2>ticket_status")."""
        for call in self:
            parts = [p for p in (call.ivr_path or "").split(">") if p]
            parts.extend(str(step) for step in steps if step)
            call.ivr_path = ">".join(parts)[-500:]

    @api.multi
    def _save_script_answer(self, step, answer):
        """Record ``answer`` to ``step`` of the script on this call; a step
        answered again keeps the last answer."""
        self.ensure_one()
        Answer = self.env["crm.callcenter.call.answer"]
        existing = Answer.search([("call_id", "=", self.id),
                                  ("step_id", "=", step.id)], limit=1)
        vals = {"answer": answer, "user_id": self.env.uid}
        if existing:
            existing.write(vals)
            return existing
        vals.update({"call_id": self.id, "step_id": step.id})
        return Answer.create(vals)

    @api.multi
    def action_open_script(self):
        """Walk the call's script step by step; the answers are saved on it."""
        self.ensure_one()
        script = self.env["crm.callcenter.script"]._find_for_call(self)
        if not script:
            raise UserError(_("No call script applies to this call: a supervisor "
                              "adds one under Call Center > Routing and Scripts > "
                              "Call Scripts."))
        run = self.env["crm.callcenter.script.run"].create({
            "call_id": self.id, "script_id": script.id})
        return run._action_reopen()
