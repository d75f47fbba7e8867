import base64
import logging
import re
import time

from psycopg2.extras import execute_values

from odoo import _, api, fields, models, registry
from odoo.exceptions import UserError
from odoo.addons.crm_core.lib.phone import normalize_phone

from ..lib import cdr

_logger = logging.getLogger(__name__)

STATES = [("draft", "Draft"), ("running", "Running"), ("done", "Done"),
          ("failed", "Failed")]
#: the peer of a channel name: "SIP/8001-0000002a" -> "8001"
_CHANNEL_PEER = re.compile(r"^[A-Za-z0-9_]+/([^-/@;]+)")
#: stored computed fields of calls that the INSERT fills itself
FILLED_FIELDS = {"company_id"}


class CrmCallcenterCdrImport(models.Model):
    """An import of call detail records (话单): an Asterisk Master.csv, or another
    PBX's CSV with its own column order, read in the phone system's timezone
    into crm.callcenter.call. Calls are known by the PBX's uniqueid (or start,
    caller and called number when it has none), so importing a file again adds
    nothing. Large files run in the background, chunk by chunk, each chunk
    committed with the import's position: a crash loses nothing and the next run
    resumes. Rows that cannot be read are listed with their line number and
    reason, and nothing is written for them."""

    _name = "crm.callcenter.cdr.import"
    _description = "CDR Import"
    _order = "id desc"

    name = fields.Char(required=True, default=lambda self: _("CDR Import"))
    connection_id = fields.Many2one("crm.callcenter.connection", "Phone System",
                                    required=True, ondelete="cascade")
    company_id = fields.Many2one(related="connection_id.company_id", store=True,
                                 readonly=True, index=True)
    file = fields.Binary(required=True, attachment=True)
    filename = fields.Char()
    timezone = fields.Selection(
        "_tz_selection", help="Timezone of the times in the file; empty: the phone "
                              "system's.")
    column_ids = fields.One2many("crm.callcenter.cdr.import.column", "import_id",
                                 "Columns", copy=True)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True,
                             copy=False, index=True)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user,
                              readonly=True)
    chunk_size = fields.Integer(default=2000, required=True)
    next_index = fields.Integer(readonly=True, copy=False)
    rows_total = fields.Integer("Rows", readonly=True, copy=False)
    rows_done = fields.Integer("Rows Read", readonly=True, copy=False)
    rows_created = fields.Integer("Calls Created", readonly=True, copy=False)
    rows_updated = fields.Integer("Calls Completed", readonly=True, copy=False,
                                  help="Calls known from the live events, "
                                       "completed with the record's times.")
    rows_skipped = fields.Integer("Already Imported", readonly=True, copy=False)
    rows_error = fields.Integer("Rows with Errors", readonly=True, copy=False)
    progress = fields.Float(compute="_compute_progress")
    error_ids = fields.One2many("crm.callcenter.cdr.import.error", "import_id",
                                "Errors", readonly=True, copy=False)
    message = fields.Char(readonly=True, copy=False)

    @api.model
    def _tz_selection(self):
        return self.env["crm.callcenter.connection"]._tz_selection()

    @api.multi
    @api.depends("rows_done", "rows_total")
    def _compute_progress(self):
        for job in self:
            job.progress = 100.0 * job.rows_done / job.rows_total \
                if job.rows_total else 0.0

    @api.model
    def create(self, vals):
        job = super(CrmCallcenterCdrImport, self).create(vals)
        if not job.column_ids:
            job._reset_columns()
        return job

    @api.multi
    def write(self, vals):
        if {"file", "connection_id", "column_ids", "timezone"} & set(vals) \
                and self.filtered(lambda job: job.state in ("running", "done")):
            raise UserError(_("This import has already started."))
        return super(CrmCallcenterCdrImport, self).write(vals)

    @api.onchange("connection_id")
    def _onchange_connection_id(self):
        if self.connection_id and not self.timezone:
            self.timezone = self.connection_id.timezone

    def _reset_columns(self):
        self.column_ids.unlink()
        self.write({"column_ids": [
            (0, 0, {"sequence": index, "field": name})
            for index, name in enumerate(cdr.MASTER_COLUMNS)]})

    @api.multi
    def action_reset_columns(self):
        """Back to the columns of Asterisk's Master.csv."""
        for job in self:
            if job.state in ("running", "done"):
                raise UserError(_("This import has already started."))
            job._reset_columns()
        return True

    def _column_map(self):
        mapping = {column.sequence: column.field
                   for column in self.column_ids if column.field}
        try:
            cdr.check_layout(mapping)
        except cdr.CdrFileError as error:
            raise UserError(_("Columns: %s.") % self._message(error))
        return mapping

    def _message(self, error):
        """A CdrError in the language of the import's user."""
        self = self.with_context(lang=self.user_id.lang or self.env.context.get(
            "lang"))
        return _(error.template) % error.params

    def _text(self):
        try:
            return cdr.decode(base64.b64decode(self.file or b""))
        except cdr.CdrFileError as error:
            raise UserError(_("File: %s.") % self._message(error))

    @api.multi
    def action_start(self):
        """Check the columns and the file, count its rows and hand it to the
        background runner."""
        for job in self:
            if job.state not in ("draft", "failed"):
                raise UserError(_("This import has already started."))
            job._column_map()
            total = cdr.count_rows(job._text())
            if not total:
                raise UserError(_("File: it has no rows."))
            job.error_ids.unlink()
            job.write({"state": "running", "rows_total": total, "next_index": 0,
                       "rows_done": 0, "rows_created": 0, "rows_updated": 0,
                       "rows_skipped": 0, "rows_error": 0, "message": False})
        cron = self.env.ref("crm_callcenter.ir_cron_cdr_import_run",
                            raise_if_not_found=False)
        if cron:
            cron.sudo().nextcall = fields.Datetime.now()  # sudo: wake the runner
        return True

    @api.multi
    def action_resume(self):
        """Go on from where a failed import stopped."""
        failed = self.filtered(lambda job: job.state == "failed")
        failed.write({"state": "running", "message": False})
        return True

    @api.multi
    def _run_now(self):
        """Start and run these imports to the end in the current transaction (for
        small files and demo data)."""
        self.action_start()
        for job in self:
            while self._run_chunk_in(job.id):
                pass
        return True

    @api.model
    def _cron_run(self, budget_seconds=50):
        deadline = time.time() + budget_seconds
        for job_id in self.search([("state", "=", "running")]).ids:
            while time.time() < deadline:
                if not self._run_chunk(job_id):
                    break
        return True

    def _run_chunk(self, job_id):
        """The next chunk of ``job_id`` in a transaction of its own, committed when
        the block ends; False when the import is over."""
        with api.Environment.manage(), registry(self.env.cr.dbname).cursor() as cr:
            env = api.Environment(cr, self.env.uid, self.env.context)
            return env[self._name]._run_chunk_in(job_id)

    @api.model
    def _run_chunk_in(self, job_id):
        """Read the next chunk of ``job_id`` and write its calls and its errors in
        the current transaction, with the import's new position."""
        self.env.cr.execute(
            "SELECT id FROM crm_callcenter_cdr_import WHERE id = %s FOR UPDATE NOWAIT",
            (job_id,))
        job = self.browse(job_id)
        if job.state != "running":
            return False
        try:
            with self.env.cr.savepoint():
                done = job._import_chunk()
        except Exception as error:  # any failure stops the import, visibly
            _logger.warning("CDR import %s stopped at row %s: %s",
                            job_id, job.next_index + 1, error)
            job.write({"state": "failed", "message": _(
                "Stopped at row %(row)d: %(error)s") % {
                    "row": job.next_index + 1, "error": error}})
            return False
        if done:
            job.write({"state": "done", "message": _(
                "%(created)d calls created, %(updated)d completed, %(skipped)d "
                "already imported, %(errors)d rows with errors.") % {
                    "created": job.rows_created, "updated": job.rows_updated,
                    "skipped": job.rows_skipped, "errors": job.rows_error}})
            self.env["crm.callcenter.queue"]._notify_wallboard()
            return False
        return True

    def _import_chunk(self):
        """Import the next chunk; True when the file is finished."""
        text = self._text()
        mapping = self._column_map()
        tz = self.timezone or self.connection_id.timezone or "UTC"
        rows = list(cdr.iter_rows(text, start=self.next_index,
                                  limit=max(self.chunk_size, 1)))
        if not rows:
            return True
        good, errors, seen = [], [], set()
        for line, row_fields in rows:
            try:
                row = cdr.parse_row(row_fields, mapping, tz)
            except cdr.CdrError as error:
                raw = ",".join(row_fields) if isinstance(row_fields, list) else ""
                errors.append((self.id, line, self._message(error)[:500],
                               raw[:500]))
                continue
            key = cdr.call_key(row)
            if key in seen:
                continue
            seen.add(key)
            row["key"] = key
            good.append(row)
        created, updated = self._write_calls(good)
        if errors:
            execute_values(self.env.cr, """
                INSERT INTO crm_callcenter_cdr_import_error
                       (import_id, line, message, raw) VALUES %s
            """, errors)
            self.env["crm.callcenter.cdr.import.error"].invalidate_cache()
        self.write({
            "next_index": self.next_index + len(rows),
            "rows_done": self.rows_done + len(rows),
            "rows_created": self.rows_created + created,
            "rows_updated": self.rows_updated + updated,
            "rows_skipped": self.rows_skipped + len(rows) - len(errors)
            - created - updated,
            "rows_error": self.rows_error + len(errors),
        })
        return self.next_index >= self.rows_total

    def _lookups(self):
        """{extension: (agent id, user id)} and {queue code: queue id} of the
        phone system, one query each."""
        connection = self.connection_id
        self.env.cr.execute("""
            SELECT e.number, a.id, a.user_id FROM crm_callcenter_extension e
              LEFT JOIN crm_callcenter_agent a ON a.id = e.agent_id
             WHERE e.connection_id = %s
        """, (connection.id,))
        extensions = {row[0]: (row[1], row[2]) for row in self.env.cr.fetchall()}
        self.env.cr.execute(
            "SELECT code, id FROM crm_callcenter_queue WHERE connection_id = %s",
            (connection.id,))
        return extensions, dict(self.env.cr.fetchall())

    def _call_values(self, row, extensions, queues, now):
        connection = self.connection_id
        region = connection.country_code or "CN"
        src, dst = row["src"], row["dst"]
        direction = cdr.direction(src, dst, extensions)
        caller_e164 = None if src in extensions else normalize_phone(src, region)
        called_e164 = None if dst in extensions else normalize_phone(dst, region)
        customer = {"inbound": caller_e164, "outbound": called_e164}.get(direction)
        if direction == "inbound":
            match = _CHANNEL_PEER.match(row.get("dstchannel") or "")
            extension = match.group(1) if match else None
            if extension not in extensions:
                extension = dst if dst in extensions else None
        else:
            extension = src
        agent_id, user_id = extensions.get(extension) or (None, None)
        uid = self.env.uid
        return (
            row["key"], connection.id, connection.company_id.id, direction,
            src or None, dst or None, caller_e164, called_e164, customer,
            extension, agent_id, user_id, row["queue"], queues.get(row["queue"]),
            row["start"], row["answer"], row["end"], row["wait_seconds"],
            row["talk_seconds"], row["disposition"], "ended", 0, uid, uid, now, now)

    def _write_calls(self, rows):
        """Insert the calls not known yet and complete the ones the live events
        left unfinished, in one INSERT ... ON CONFLICT; (created, completed)."""
        if not rows:
            return 0, 0
        extensions, queues = self._lookups()
        now = fields.Datetime.now()
        values = [self._call_values(row, extensions, queues, now) for row in rows]
        result = execute_values(self.env.cr, """
            INSERT INTO crm_callcenter_call AS c
                   (pbx_call_id, connection_id, company_id, direction, caller_number,
                    called_number, caller_e164, called_e164, customer_number,
                    extension, agent_id, user_id, queue, queue_id, start_date,
                    answer_date, end_date, wait_seconds, talk_seconds, disposition,
                    state, priority, create_uid, write_uid, create_date, write_date)
            VALUES %s
            ON CONFLICT (connection_id, pbx_call_id) DO UPDATE SET
                   answer_date = COALESCE(c.answer_date, EXCLUDED.answer_date),
                   end_date = EXCLUDED.end_date,
                   wait_seconds = EXCLUDED.wait_seconds,
                   talk_seconds = EXCLUDED.talk_seconds,
                   disposition = EXCLUDED.disposition,
                   state = EXCLUDED.state,
                   queue = COALESCE(c.queue, EXCLUDED.queue),
                   queue_id = COALESCE(c.queue_id, EXCLUDED.queue_id),
                   write_date = EXCLUDED.write_date
             WHERE c.end_date IS NULL OR c.disposition = 'ringing'
            RETURNING id, (xmax = 0)
        """, values, fetch=True)
        created = [row[0] for row in result if row[1]]
        updated = len(result) - len(created)
        Call = self.env["crm.callcenter.call"]
        if created:
            self._match_customers(created)
            new = Call.browse(created)
            new.invalidate_cache()
            others = [field for name, field in Call._fields.items()
                      if field.compute and field.store and name not in FILLED_FIELDS]
            for field in others:
                self.env.add_todo(field, new)
            if others:
                new.recompute()
        if updated:
            Call.invalidate_cache()
        return len(created), updated

    def _match_customers(self, call_ids):
        """The customer (and contact) of the new calls whose far-end number is a
        customer's or contact's phone or mobile, in one UPDATE."""
        self.env.cr.execute("""
            UPDATE crm_callcenter_call c
               SET partner_id = m.commercial_id,
                   contact_id = CASE WHEN m.pid != m.commercial_id THEN m.pid END
              FROM (SELECT DISTINCT ON (k.id) k.id AS call_id, p.id AS pid,
                           p.commercial_partner_id AS commercial_id
                      FROM crm_callcenter_call k
                      JOIN res_partner p
                        ON p.active AND (p.mobile_sanitized = k.customer_number
                                         OR p.phone_sanitized = k.customer_number)
                     WHERE k.id = ANY(%s) AND k.partner_id IS NULL
                     ORDER BY k.id, p.id) m
             WHERE c.id = m.call_id
        """, (list(call_ids),))
