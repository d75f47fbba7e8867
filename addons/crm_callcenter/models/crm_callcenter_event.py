import json

from odoo import api, fields, models

from ..lib.events import EVENTS, event_key, validate

EVENT_LABELS = {
    "ring": "Ring", "answer": "Answer", "hangup": "Hang Up",
    "transfer": "Transfer", "dtmf": "DTMF Digits", "queue": "Queue",
    "record": "Recording",
}
# the API's events, in its order
EVENT_CHOICES = [(name, EVENT_LABELS[name]) for name in EVENTS]
DIRECTION_CHOICES = [
    ("inbound", "Inbound"), ("outbound", "Outbound"), ("internal", "Internal")]


class CrmCallcenterEvent(models.Model):
    """One event a phone system posted (DESIGN.md 4.3), kept as received: a call's
    fields are derived from the set of its events, so events may arrive late,
    twice or out of order. Unique per connection, call, event and event id (or
    hash of the values when the sender gives no id): a resent event is recorded
    once and changes nothing."""

    _name = "crm.callcenter.event"
    _description = "Telephony Event"
    _order = "timestamp desc, id desc"
    _rec_name = "event"

    connection_id = fields.Many2one("crm.callcenter.connection", required=True,
                                    index=True, readonly=True, ondelete="cascade")
    call_id = fields.Many2one("crm.callcenter.call", index=True,
                              readonly=True, ondelete="cascade")
    pbx_call_id = fields.Char("PBX Call ID", required=True, readonly=True)
    event = fields.Selection(EVENT_CHOICES, required=True, readonly=True)
    event_key = fields.Char(
        required=True, readonly=True,
        help="The sender's event id, or a hash of the event's values.")
    timestamp = fields.Datetime(required=True, readonly=True)
    direction = fields.Selection(DIRECTION_CHOICES, readonly=True)
    from_number = fields.Char("From", readonly=True)
    to_number = fields.Char("To", readonly=True)
    extension = fields.Char(readonly=True)
    queue = fields.Char(readonly=True)
    digits = fields.Char(readonly=True)
    recording_url = fields.Char(
        "Recording", readonly=True,
        groups="crm_callcenter.group_callcenter_recordings")
    cause = fields.Char(readonly=True)
    payload = fields.Text(readonly=True, help="The checked event, as JSON.")

    _sql_constraints = [
        ("event_uniq", "unique (connection_id, pbx_call_id, event, event_key)",
         "An event is recorded once."),
    ]

    @api.model
    def _receive(self, connection, clean):
        """Record the checked event ``clean`` (lib.events.validate) of
        ``connection`` and bring its call up to date. Returns the answer of the
        event API: {"call_id", "partner_id", "agent_user_id"}. Raises
        ExtensionRefused before writing anything when the event names an
        extension that is not the connection's. A resent event changes nothing and
        gets the same answer."""
        connection.ensure_one()
        if clean.get("extension"):
            connection._extension_of(clean["extension"])
        call = self.env["crm.callcenter.call"]._get_or_insert(connection, clean)
        event_id = self._insert(connection, call, clean)
        if event_id:
            call._apply_events(self.browse(event_id))
        return call._event_answer()

    @api.model
    def _replay(self, connection_id, bodies):
        """Feed ``bodies`` (event API bodies, as a phone system posts them) of
        connection ``connection_id`` through the API's checks and processing, in
        their order, ending after-call work in between as the cron does; returns
        the answers. The demo data's day of calls comes in this way, and so can a
        phone system's event log replayed by hand."""
        connection = self.env["crm.callcenter.connection"].browse(connection_id)
        Agent = self.env["crm.callcenter.agent"]
        answers = []
        for body in bodies:
            clean = validate(body, connection.timezone)
            # the after-call cron, as it would have run by then
            Agent._cron_end_after_call_work(
                now=fields.Datetime.to_string(clean["timestamp"]))
            answers.append(self._receive(connection, clean))
        return answers

    @api.model
    def _insert(self, connection, call, clean):
        """INSERT the event unless it is there already (one statement; a resend
        racing the first send waits for it, then inserts nothing). Returns the
        new id, or None for a duplicate."""
        payload = dict(clean, timestamp=clean["timestamp"].isoformat())
        values = (
            connection.id, call.id, clean["call_id"], clean["event"],
            event_key(clean), fields.Datetime.to_string(clean["timestamp"]),
            clean["direction"], clean["from_number"], clean["to_number"],
            clean["extension"], clean["queue"], clean["digits"],
            clean["recording_url"], clean["cause"],
            json.dumps(payload, ensure_ascii=False, sort_keys=True))
        self.env.cr.execute("""
            INSERT INTO crm_callcenter_event (
                connection_id, call_id, pbx_call_id, event, event_key, timestamp,
                direction, from_number, to_number, extension, queue, digits,
                recording_url, cause, payload,
                create_uid, create_date, write_uid, write_date)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
                    %s, now() at time zone 'UTC', %s, now() at time zone 'UTC')
            ON CONFLICT DO NOTHING
            RETURNING id
        """, values + (self.env.uid, self.env.uid),
            # a resend racing its first copy fails to serialize and is run again
            # (controllers/event.py): expected, not an error to log
            log_exceptions=False)
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @api.model
    def _dicts_of_call(self, call):
        """The events of ``call`` as lib.events expects them, ``seq`` their order
        of arrival (one query; the derivation reads the recording links whoever
        posts)."""
        self.env.cr.execute("""
            SELECT id, event, timestamp, direction, from_number, to_number,
                   extension, queue, digits, recording_url, cause
              FROM crm_callcenter_event WHERE call_id = %s
        """, (call.id,))
        keys = ("seq", "event", "timestamp", "direction", "from_number", "to_number",
                "extension", "queue", "digits", "recording_url", "cause")
        events = [dict(zip(keys, row)) for row in self.env.cr.fetchall()]
        for event in events:
            event["timestamp"] = fields.Datetime.from_string(event["timestamp"])
        return events
