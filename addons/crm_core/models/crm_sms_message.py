import json
import logging
import re
import threading
from collections import OrderedDict
from datetime import timedelta

from odoo import _, api, fields, models, registry
from odoo.exceptions import UserError

from ..lib import sms_sign
from ..lib.phone import normalize_phone
from .crm_marketing_segment_snapshot import CN_MOBILE
from .crm_marketing_send import PRIORITIES

_logger = logging.getLogger(__name__)

MESSAGE_STATES = [
    ("queued", "Queued"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("failed", "Failed"),
    ("excluded", "Excluded"),
    ("cancelled", "Cancelled"),
    ("received", "Received"),
]
PURPOSES = [("marketing", "Marketing"), ("service", "Service")]
# the order messages leave the queue in
QUEUE_ORDER = "priority DESC, COALESCE(scheduled_date, create_date), id"
# a message still "sending" after this long was interrupted: its outcome is unknown
STUCK_AFTER = timedelta(hours=1)


class CrmSmsMessage(models.Model):
    """One SMS (B4): outbound ones wait in a queue with a priority and a send
    time and go out through their gateway in chunks (scheduled job); delivery
    reports mark them delivered or failed. Inbound ones are replies: "TD" (退订)
    records an opt-out in the consent ledger, any other reply counts as a
    response to the campaign."""

    _name = "crm.sms.message"
    _description = "SMS Message"
    _order = "id desc"
    _rec_name = "number"
    # inbound messages come from the gateway only
    _crm_guarded_fields = {"direction": ""}

    number = fields.Char("Mobile (E.164)", required=True, index=True)
    direction = fields.Selection(
        [("outbound", "Outbound"), ("inbound", "Inbound")], required=True,
        default="outbound", index=True)
    partner_id = fields.Many2one("res.partner", "Customer or Contact", index=True,
                                 ondelete="set null")
    campaign_id = fields.Many2one("utm.campaign", index=True, ondelete="set null")
    send_id = fields.Many2one("crm.marketing.send", index=True, ondelete="set null")
    member_id = fields.Many2one("crm.marketing.send.member", "Send Recipient",
                                index=True, ondelete="set null")
    gateway_id = fields.Many2one("crm.sms.gateway", required=True, index=True,
                                 ondelete="restrict")
    body = fields.Text("Text")
    template_code = fields.Char()
    template_params = fields.Text(
        help="The template's parameters, as JSON.")
    purpose = fields.Selection(PURPOSES, default="marketing", required=True)
    priority = fields.Selection(PRIORITIES, default="1", required=True, index=True)
    scheduled_date = fields.Datetime("Send At", index=True)
    state = fields.Selection(MESSAGE_STATES, "Status", default="queued",
                             required=True, index=True, readonly=True)
    gateway_message_id = fields.Char("Gateway Message ID", index=True,
                                     readonly=True)
    error = fields.Char(readonly=True)
    request_payload = fields.Text("Request", readonly=True,
                                  help="What was (or, with a local gateway, would "
                                       "have been) sent to the gateway.")
    date_sent = fields.Datetime("Sent On", readonly=True)
    date_delivered = fields.Datetime("Delivered On", readonly=True)
    reference = fields.Char(readonly=True,
                            help="The gateway's id of an inbound message.")
    reply_to_id = fields.Many2one("crm.sms.message", readonly=True,
                                  ondelete="set null")
    opt_out = fields.Boolean("Opt-out Reply", readonly=True)
    user_id = fields.Many2one("res.users", "Created by", readonly=True, index=True,
                              default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company",
                                 default=lambda self: self.env.user.company_id)

    _sql_constraints = [
        ("reference_uniq", "unique(gateway_id, reference)",
         "The gateway sent this inbound message already."),
    ]

    @api.model_cr
    def init(self):
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS crm_sms_message_queue_idx
                ON crm_sms_message (priority DESC, scheduled_date, create_date, id)
             WHERE state = 'queued' AND direction = 'outbound'
        """)

    # --- actions ---------------------------------------------------------------------

    @api.multi
    def action_retry(self):
        """Queue failed messages again (the gateway may have been down)."""
        wrong = self.filtered(lambda m: m.state != "failed" or
                              m.direction != "outbound")
        if wrong:
            raise UserError(_("Retry: only failed outbound messages can be sent "
                              "again."))
        self.write({"state": "queued", "error": False})
        return True

    @api.multi
    def action_cancel(self):
        if self.filtered(lambda m: m.state != "queued"):
            raise UserError(_("Cancel: only queued messages can be cancelled."))
        self.write({"state": "cancelled"})
        return True

    # --- queueing ---

    @api.model
    def _queue_for_partners(self, partners, values, purpose="marketing"):
        """Queue one message per partner with ``values`` (gateway_id, body,
        template_code, priority, scheduled_date, campaign_id...): "{name}" in the
        text and the template parameter "name" become the partner's name.
        Partners without a mobile number or without SMS consent for ``purpose``
        get an excluded message saying why. One INSERT for all."""
        self.check_access_rights("create")
        if not values.get("gateway_id"):
            raise UserError(_("SMS Gateway: choose the gateway to send through."))
        if not (values.get("body") or values.get("template_code")):
            raise UserError(_("Text: write the text or name a template code."))
        _allowed, refused = self.env["crm.consent"].check(partners, "sms", purpose)
        rows = []
        for partner in partners.exists():
            number = partner.mobile_sanitized or (
                partner.phone_sanitized
                if re.match(CN_MOBILE, partner.phone_sanitized or "") else None)
            state, error = "queued", None
            if not number:
                state, error = "excluded", _("no mobile number")
            elif partner.id in refused:
                state, error = "excluded", _("consent: %s") % refused[partner.id]
            name = partner.name or ""
            rows.append((
                number or "-", partner.id,
                (values.get("body") or "").replace("{name}", name),
                json.dumps({"name": name}, ensure_ascii=False), state, error))
        if not rows:
            return self.browse()
        self.env.cr.execute("""
            INSERT INTO crm_sms_message
                   (number, partner_id, body, template_params, state, error,
                    direction, gateway_id, template_code, purpose, priority,
                    scheduled_date, campaign_id, user_id, company_id,
                    create_uid, create_date, write_uid, write_date)
            SELECT r.number, r.partner_id, r.body, r.params, r.state, r.error,
                   'outbound', %(gateway)s, %(template)s, %(purpose)s,
                   %(priority)s, %(scheduled)s, %(campaign)s, %(uid)s,
                   %(company)s, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                   now() AT TIME ZONE 'UTC'
              FROM unnest(%(numbers)s::varchar[], %(partners)s::int[],
                          %(bodies)s::text[], %(params)s::text[],
                          %(states)s::varchar[], %(errors)s::varchar[])
                   AS r(number, partner_id, body, params, state, error)
         RETURNING id
        """, {
            "gateway": values["gateway_id"],
            "template": values.get("template_code") or None,
            "purpose": purpose, "priority": values.get("priority") or "1",
            "scheduled": values.get("scheduled_date") or None,
            "campaign": values.get("campaign_id") or None,
            "uid": self.env.uid, "company": self.env.user.company_id.id,
            "numbers": [r[0] for r in rows], "partners": [r[1] for r in rows],
            "bodies": [r[2] for r in rows], "params": [r[3] for r in rows],
            "states": [r[4] for r in rows], "errors": [r[5] for r in rows],
        })
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    # --- sending ---

    @api.model
    def _cron_send(self, chunk_size=200, max_chunks=50):
        """Send the due messages, most urgent first, chunk by chunk."""
        self._fail_stuck()
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        total = 0
        for _chunk in range(max_chunks):
            sent = self._send_due(chunk_size, auto_commit=auto_commit)
            total += sent
            if sent < chunk_size:
                break
        return total

    @api.model
    def _fail_stuck(self):
        limit = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - STUCK_AFTER)
        self.env.cr.execute("""
            UPDATE crm_sms_message SET state = 'failed', error = %s,
                   write_date = now() AT TIME ZONE 'UTC'
             WHERE state = 'sending' AND write_date < %s
        """, (_("interrupted while sending: outcome unknown, not sent again"),
              limit))

    @api.model
    def _send_due(self, chunk_size, auto_commit=False):
        """Claim up to ``chunk_size`` due messages (rows another worker holds are
        skipped), mark them sending, and (with ``auto_commit``) commit that claim
        in a transaction of its own before talking to the gateway, and each
        batch's result likewise: a message is never sent twice, even if what
        follows fails. Messages with the same gateway and text go in one request
        per batch. Returns how many were claimed."""
        run = self._in_own_transaction if auto_commit else self._run_here
        claimed, groups = run("_claim_due", chunk_size)
        Gateway = self.env["crm.sms.gateway"].with_context(active_test=False)
        for (gateway_id, template, params, body), messages in groups.items():
            gateway = Gateway.browse(gateway_id)
            for batch in sms_sign.chunks(messages, gateway.batch_size or 100):
                message_id, error, request = gateway._send_batch(
                    [number for _id, number in batch], template,
                    json.loads(params), body)
                run("_record_result", [msg_id for msg_id, _n in batch], message_id,
                    error, request)
        return claimed

    def _run_here(self, method, *args):
        return getattr(self, method)(*args)

    def _in_own_transaction(self, method, *args):
        """Run ``method`` in a transaction of its own, committed when it returns
        (the cron's cursor commits nothing midway)."""
        with api.Environment.manage(), registry(self.env.cr.dbname).cursor() as cr:
            env = api.Environment(cr, self.env.uid, self.env.context)
            return getattr(env[self._name], method)(*args)

    @api.model
    def _claim_due(self, chunk_size):
        """Mark up to ``chunk_size`` due messages sending; (how many, their
        numbers grouped by gateway and text)."""
        cr = self.env.cr
        cr.execute("""
            WITH due AS (
                SELECT id FROM crm_sms_message
                 WHERE direction = 'outbound' AND state = 'queued'
                   AND (scheduled_date IS NULL OR scheduled_date <= %s)
                 ORDER BY {order}
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED)
            UPDATE crm_sms_message m
               SET state = 'sending', write_date = now() AT TIME ZONE 'UTC'
              FROM due WHERE m.id = due.id
        RETURNING m.id
        """.format(order=QUEUE_ORDER),  # sql-safe: a constant ORDER BY
                   (fields.Datetime.now(), chunk_size))
        ids = [row[0] for row in cr.fetchall()]
        if not ids:
            return 0, {}
        cr.execute("""
            SELECT id, gateway_id, number, template_code, template_params, body
              FROM crm_sms_message WHERE id = ANY(%s) ORDER BY {order}
        """.format(order=QUEUE_ORDER),  # sql-safe: a constant ORDER BY
                   (ids,))
        groups = OrderedDict()
        for msg_id, gateway_id, number, template, params, body in cr.fetchall():
            key = (gateway_id, template or "", params or "{}", body or "")
            groups.setdefault(key, []).append((msg_id, number))
        return len(ids), groups

    @api.model
    def _record_result(self, ids, message_id, error, request):
        self.env.cr.execute("""
            UPDATE crm_sms_message
               SET state = %s, gateway_message_id = %s, error = %s,
                   request_payload = %s, date_sent = now() AT TIME ZONE 'UTC',
                   write_date = now() AT TIME ZONE 'UTC'
             WHERE id = ANY(%s)
        """, ("failed" if error else "sent", message_id, error, request, ids))
        self.invalidate_cache(ids=ids)
        self._sync_members(ids)

    @api.model
    def _sync_members(self, ids):
        """The send recipients of these messages move to the messages' status."""
        if not ids:
            return []
        return self.env["crm.marketing.send.member"]._advance("""
            SELECT member_id, state, COALESCE(date_delivered, date_sent),
                   NULL::int FROM crm_sms_message
             WHERE id = ANY(%s) AND member_id IS NOT NULL
               AND state IN ('sent', 'delivered', 'failed')
        """, [list(ids)])

    # --- callbacks ---

    @api.model
    def _apply_reports(self, gateway, reports):
        """Delivery reports (from sms_sign.parse_reports) of ``gateway``: the
        messages they name become delivered or failed, in one statement. A
        report repeated or naming an unknown message changes nothing. Returns the
        number of messages updated."""
        numbers = [normalize_phone(r["number"], "CN") or r["number"]
                   for r in reports]
        self.env.cr.execute("""
            UPDATE crm_sms_message m
               SET state = CASE WHEN v.ok THEN 'delivered' ELSE 'failed' END,
                   error = CASE WHEN v.ok THEN NULL
                                ELSE COALESCE(v.code || ' ', '')
                                     || COALESCE(v.error, '')
                           END,
                   date_delivered = CASE WHEN v.ok THEN now() AT TIME ZONE 'UTC' END,
                   write_date = now() AT TIME ZONE 'UTC'
              FROM unnest(%s::varchar[], %s::varchar[], %s::bool[], %s::varchar[],
                          %s::varchar[]) AS v(message_id, number, ok, code, error)
             WHERE m.gateway_id = %s AND m.direction = 'outbound'
               AND m.gateway_message_id = v.message_id AND m.number = v.number
               AND m.state IN ('sending', 'sent')
         RETURNING m.id
        """, ([r["message_id"] for r in reports], numbers,
              [r["delivered"] for r in reports], [r["code"] for r in reports],
              [r["error"] for r in reports], gateway.id))
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.invalidate_cache(ids=ids)
        self._sync_members(ids)
        return len(ids)

    @api.model
    def _receive_replies(self, gateway, replies):
        """Inbound messages (from sms_sign.parse_replies) of ``gateway``: each is
        stored once (a repeated callback adds nothing) with the customer of its
        number and the last message sent to that number; "TD" and the like
        record an opt-out from marketing SMS, other replies count as responses
        to the campaign of the message they answer. Returns the new inbound
        messages."""
        numbers = [normalize_phone(r["number"], "CN") or r["number"]
                   for r in replies]
        self.env.cr.execute("""
            INSERT INTO crm_sms_message
                   (direction, state, gateway_id, number, body, reference, opt_out,
                    purpose, priority, create_date, write_date)
            SELECT 'inbound', 'received', %s, r.number, r.body, r.reference,
                   r.opt_out, 'marketing', '1', now() AT TIME ZONE 'UTC',
                   now() AT TIME ZONE 'UTC'
              FROM unnest(%s::varchar[], %s::text[], %s::varchar[], %s::bool[])
                   AS r(number, body, reference, opt_out)
                ON CONFLICT (gateway_id, reference) DO NOTHING
         RETURNING id
        """, (gateway.id, numbers, [r["content"] for r in replies],
              [r["reference"] for r in replies],
              [sms_sign.is_opt_out(r["content"]) for r in replies]))
        new_ids = [row[0] for row in self.env.cr.fetchall()]
        if not new_ids:
            return self.browse()
        # the customer and the last outbound message of each new reply's number
        self.env.cr.execute("""
            UPDATE crm_sms_message r
               SET partner_id = COALESCE(o.partner_id, p.id),
                   reply_to_id = o.id, campaign_id = o.campaign_id,
                   send_id = o.send_id, member_id = o.member_id
              FROM crm_sms_message r2
              LEFT JOIN LATERAL (
                   SELECT id, partner_id, campaign_id, send_id, member_id
                     FROM crm_sms_message
                    WHERE direction = 'outbound' AND number = r2.number
                      AND gateway_id = r2.gateway_id
                      AND state IN ('sent', 'delivered', 'failed')
                    ORDER BY date_sent DESC NULLS LAST, id DESC LIMIT 1) o ON TRUE
              LEFT JOIN LATERAL (
                   SELECT id FROM res_partner
                    WHERE active AND (mobile_sanitized = r2.number
                                      OR phone_sanitized = r2.number)
                    ORDER BY (mobile_sanitized = r2.number) DESC, id LIMIT 1) p ON TRUE
             WHERE r.id = r2.id AND r.id = ANY(%s)
        """, (new_ids,))
        received = self.browse(new_ids)
        received.invalidate_cache()
        opt_outs = received.filtered("opt_out")
        self._record_opt_outs(opt_outs)
        responses = received - opt_outs
        self.env["crm.marketing.send.member"]._advance("""
            SELECT member_id, 'replied', create_date, NULL::int FROM crm_sms_message
             WHERE id = ANY(%s) AND member_id IS NOT NULL
        """, [responses.ids])
        return received

    @api.multi
    def _record_opt_outs(self, replies):
        """An opt-out from marketing SMS per customer who replied TD (once)."""
        partners = replies.mapped("partner_id")
        if not partners:
            return
        ledger = self.env["crm.consent"]
        latest = ledger._latest_status(partners.ids, "sms", "marketing")
        for reply in replies.filtered("partner_id"):
            partner = reply.partner_id
            if latest.get(partner.id) == "opt_out":
                continue
            ledger.record(partner, "sms", "opt_out", "marketing", source="sms_reply",
                          note=_("SMS reply \"%(text)s\" from %(number)s") % {
                              "text": reply.body, "number": reply.number})
            latest[partner.id] = "opt_out"
