from odoo import fields, models

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


class CrmCallcenterCall(models.Model):
    """One phone call (the model name is a contract, DESIGN.md 4.2), written by the
    telephony events of its connection or by a CDR import, and linked to the
    customer, lead, ticket and campaign it concerns."""

    _name = "crm.callcenter.call"
    _description = "Phone Call"
    _inherit = ["mail.thread"]
    _order = "start_date desc, id desc"
    _rec_name = "pbx_call_id"

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
        "Recording", groups="crm_core.group_callcenter_supervisor")
    partner_id = fields.Many2one("res.partner", "Customer", index=True)
    contact_id = fields.Many2one("res.partner", index=True)
    lead_id = fields.Many2one("crm.lead", index=True)
    ticket_id = fields.Many2one("crm.service.ticket", index=True)
    campaign_id = fields.Many2one("utm.campaign", index=True)
    notes = fields.Text()
    outcome = fields.Char()

    _sql_constraints = [
        ("pbx_call_uniq", "unique (connection_id, pbx_call_id)",
         "A PBX call id is recorded once per connection."),
    ]
