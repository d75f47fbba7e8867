from odoo import api, fields, models

DIRECTIONS = [
    ("inbound", "Inbound"), ("outbound", "Outbound"), ("internal", "Internal")]
DISPOSITIONS = [
    ("ringing", "Ringing"),
    ("answered", "Answered"),
    ("no_answer", "No Answer"),
    ("busy", "Busy"),
    ("failed", "Failed"),
    ("abandoned", "Abandoned in Queue"),
    ("voicemail", "Voicemail"),
]
CALL_STATES = [
    ("ringing", "Ringing"),
    ("queued", "In Queue"),
    ("talking", "Talking"),
    ("ended", "Ended"),
]


class CrmCallcenterCall(models.Model):
    """One phone call (the model name is a contract, DESIGN.md 4.2), written by the
    telephony events of its connection or by a CDR import, and linked to the
    customer, lead, ticket and campaign it concerns."""

    _name = "crm.callcenter.call"
    _crm_customer_data = True  # exports need the right, and are logged
    _description = "Phone Call"
    _inherit = ["mail.thread"]
    _order = "start_date desc, id desc"
    _rec_name = "pbx_call_id"
    # workflow-owned (issue 13): what the PBX reported and who took the call
    _crm_guarded_fields = dict.fromkeys(
        ("direction", "agent_id", "user_id", "extension", "queue", "disposition",
         "recording_url"), "crm_core.group_callcenter_supervisor")

    pbx_call_id = fields.Char("PBX Call ID", required=True, index=True, readonly=True)
    connection_id = fields.Many2one("crm.callcenter.connection", required=True,
                                    index=True, readonly=True, ondelete="restrict")
    company_id = fields.Many2one(related="connection_id.company_id", store=True,
                                 readonly=True, index=True)
    direction = fields.Selection(DIRECTIONS, required=True, default="inbound",
                                 index=True)
    caller_number = fields.Char(readonly=True)
    called_number = fields.Char(readonly=True)
    caller_e164 = fields.Char("Caller (E.164)", index=True, readonly=True)
    called_e164 = fields.Char("Called (E.164)", index=True, readonly=True)
    customer_number = fields.Char(
        "Customer Number (E.164)", index=True, readonly=True,
        help="The far end: the caller of an inbound call, the called number of an "
             "outbound one.")
    agent_id = fields.Many2one("crm.callcenter.agent", index=True)
    user_id = fields.Many2one("res.users", "Agent User", index=True)
    extension = fields.Char(index=True)
    queue = fields.Char("Queue Code", index=True)
    ivr_path = fields.Char("IVR Path", readonly=True)
    start_date = fields.Datetime("Started", index=True, readonly=True)
    answer_date = fields.Datetime("Answered", readonly=True)
    end_date = fields.Datetime("Ended", readonly=True)
    wait_seconds = fields.Integer("Wait (s)", readonly=True)
    talk_seconds = fields.Integer("Talk (s)", readonly=True)
    disposition = fields.Selection(DISPOSITIONS, default="ringing", required=True,
                                   index=True)
    recording_url = fields.Char(
        "Recording", groups="crm_callcenter.group_callcenter_recordings")
    # auto_join: the read rule of agents goes through the customer's scope columns
    partner_id = fields.Many2one("res.partner", "Customer", index=True,
                                 auto_join=True)
    contact_id = fields.Many2one("res.partner", index=True)
    lead_id = fields.Many2one("crm.lead", index=True)
    ticket_id = fields.Many2one("crm.service.ticket", index=True)
    campaign_id = fields.Many2one("utm.campaign", index=True)
    notes = fields.Text()
    outcome = fields.Char()
    state = fields.Selection(CALL_STATES, default="ringing", required=True,
                             index=True, readonly=True)
    has_recording = fields.Boolean(readonly=True)
    match_count = fields.Integer(
        "Matches", readonly=True,
        help="How many customers, contacts (or else leads) have this number.")
    match_note = fields.Char(
        "Why This Customer", readonly=True,
        help="How the customer was chosen among several with the same number.")
    is_repeat = fields.Boolean(
        "Repeat Contact", readonly=True, copy=False, index=True,
        help="Attached to a ticket an earlier contact opened and did not resolve.")
    first_contact_resolved = fields.Boolean(
        compute="_compute_first_contact_resolved", store=True, index=True,
        help="This call opened its ticket and no later call came back about it.")
    repeat_ticket_id = fields.Many2one(
        "crm.service.ticket", "Open Ticket of a Recent Call",
        compute="_compute_repeat_ticket_id",
        help="The customer called within the repeat window and this ticket of "
             "theirs is still open.")
    followup_ids = fields.One2many("crm.followup", "callcenter_call_id",
                                   "Follow-ups")
    event_ids = fields.One2many("crm.callcenter.event", "call_id", "Events",
                                readonly=True,
                                groups="crm_core.group_callcenter_supervisor")

    _sql_constraints = [
        ("pbx_call_uniq", "unique (connection_id, pbx_call_id)",
         "A PBX call id is recorded once per connection."),
    ]

    @api.multi
    @api.depends("ticket_id", "is_repeat", "ticket_id.call_ids.is_repeat")
    def _compute_first_contact_resolved(self):
        for call in self:
            tickets_calls = call.ticket_id.call_ids
            call.first_contact_resolved = bool(
                call.ticket_id and not call.is_repeat
                and not any(tickets_calls.mapped("is_repeat")))

    @api.multi
    def _compute_repeat_ticket_id(self):
        """One query for all the calls: the latest open ticket of each call's
        customer, when the customer had another call in the window before."""
        found = {}
        calls = self.filtered(lambda c: c.id and c.partner_id and not c.ticket_id
                              and c.start_date)
        if calls:
            self.env.cr.execute("""
                SELECT c.id, (
                    SELECT t.id FROM crm_service_ticket t
                     WHERE t.commercial_partner_id = p.commercial_partner_id
                       AND t.is_open
                     ORDER BY t.id DESC LIMIT 1)
                  FROM crm_callcenter_call c
                  JOIN res_partner p ON p.id = c.partner_id
                  JOIN crm_callcenter_connection k ON k.id = c.connection_id
                 WHERE c.id IN %s AND EXISTS (
                    SELECT 1 FROM crm_callcenter_call o
                      JOIN res_partner q ON q.id = o.partner_id
                     WHERE q.commercial_partner_id = p.commercial_partner_id
                       AND o.id != c.id AND o.start_date <= c.start_date
                       AND o.start_date >= c.start_date
                           - make_interval(days => k.repeat_call_days))
            """, (tuple(calls.ids),))
            found = dict(self.env.cr.fetchall())
            # only the tickets the user may read
            visible = self.env["crm.service.ticket"].search(
                [("id", "in", [t for t in found.values() if t])]).ids
            found = {c: t for c, t in found.items() if t in visible}
        for call in self:
            call.repeat_ticket_id = found.get(call.id) or False
