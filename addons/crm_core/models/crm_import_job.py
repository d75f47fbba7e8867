import base64
import json
import logging
import time

from psycopg2.extras import execute_values

from odoo import _, api, fields, models, registry
from odoo.exceptions import UserError

from ..lib import customer_import
from ..lib.phone import normalize_company_name

_logger = logging.getLogger(__name__)

POLICIES = [("skip", "Skip duplicates"), ("update", "Update duplicates"),
            ("create", "Create anyway")]
KINDS = [("customer", "Customers and Contacts"), ("lead", "Leads")]
# What a column of the file can fill; the kinds each applies to are in
# lib.customer_import.KINDS.
TARGET_FIELDS = [
    ("name", "Name / Lead Title"), ("partner_name", "Company (leads)"),
    ("contact_name", "Contact"), ("function", "Job Position"), ("phone", "Phone"),
    ("mobile", "Mobile"), ("email", "Email"), ("street", "Street"), ("city", "City"),
    ("website", "Website"), ("level", "Customer Level (customers)"),
    ("source", "Source"), ("owner", "Owner (salesperson)"),
    ("expected_revenue", "Expected Revenue (leads)"), ("note", "Note"),
]


class CrmImportJob(models.Model):
    """An import of customers (with contacts) or of leads from Excel/CSV: its
    columns mapped to fields (guessed from the headers, corrected by the user),
    checked first (a dry run that lists every bad row with its number and reason
    and finds duplicates), then written in chunks by a background job. Each chunk
    commits on its own with the job's position, so a crash loses nothing: the next
    run resumes where the last chunk ended."""

    _name = "crm.import.job"
    _description = "Customer or Lead Import"
    _order = "id desc"

    name = fields.Char(required=True, default=lambda self: _("Import"))
    kind = fields.Selection(KINDS, "Import", required=True, default="customer")
    file = fields.Binary(required=True, attachment=True)
    filename = fields.Char()
    column_ids = fields.One2many("crm.import.job.column", "job_id", "Columns",
                                 copy=False)
    duplicate_policy = fields.Selection(POLICIES, required=True, default="skip")
    region = fields.Char("Default Phone Region", default="CN", required=True,
                         help="Country of phone numbers written without +country.")
    state = fields.Selection(
        [("draft", "Draft"), ("checked", "Checked"), ("queued", "Queued"),
         ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="draft", required=True, readonly=True, copy=False, index=True)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user,
                              readonly=True, index=True)
    chunk_size = fields.Integer(default=500)
    rows_total = fields.Integer(readonly=True, copy=False)
    rows_error = fields.Integer("Rows with Errors", readonly=True, copy=False)
    rows_to_create = fields.Integer(readonly=True, copy=False)
    rows_to_update = fields.Integer(readonly=True, copy=False)
    rows_to_skip = fields.Integer(readonly=True, copy=False)
    rows_done = fields.Integer(readonly=True, copy=False)
    progress = fields.Float(compute="_compute_progress")
    error_report = fields.Text(readonly=True, copy=False)
    payload = fields.Text(readonly=True, copy=False,
                          help="The checked rows to write, as JSON.")
    next_index = fields.Integer(readonly=True, copy=False)
    message = fields.Char(readonly=True, copy=False)

    @api.multi
    @api.depends("rows_done", "rows_to_create", "rows_to_update")
    def _compute_progress(self):
        for job in self:
            todo = job.rows_to_create + job.rows_to_update
            job.progress = 100.0 * job.rows_done / todo if todo else 0.0

    @api.multi
    def write(self, vals):
        if {"file", "kind"} & set(vals):
            # another file or kind: the columns are read and guessed again
            started = ("queued", "running", "done")
            if self.filtered(lambda job: job.state in started):
                raise UserError(_("This import has already started."))
            self.mapped("column_ids").unlink()
            vals = dict(vals, state="draft")
        return super(CrmImportJob, self).write(vals)

    # --- columns ----------------------------------------------------------------------

    def _read_file(self):
        """(headers, rows) of the file, or a UserError naming what is wrong."""
        try:
            return customer_import.read_table(
                self.filename, base64.b64decode(self.file or b""))
        except customer_import.ImportFileError as error:
            raise UserError(_("The file cannot be imported: %s")
                            % (_(error.template) % error.params))

    @api.multi
    def action_read_columns(self):
        """List the file's columns with a guess of the field each fills and a
        sample of its values; the user corrects the guesses before the check."""
        self.ensure_one()
        if self.state not in ("draft", "checked", "failed"):
            raise UserError(_("This import has already started."))
        headers, rows = self._read_file()
        guessed = customer_import.guess_mapping(headers, self.kind)
        self.column_ids.unlink()
        commands = []
        for index, header in enumerate(headers):
            samples = [row[index] for row in rows[:20]
                       if index < len(row) and row[index]][:3]
            commands.append((0, 0, {"sequence": index, "header": header or "",
                                    "field": guessed.get(index),
                                    "sample": " | ".join(samples)}))
        self.write({"column_ids": commands, "state": "draft"})
        return True

    def _mapping(self):
        """{column index: field key} from the column lines; two columns may not
        fill the same field."""
        mapping, by_field = {}, {}
        labels = dict(self.env["crm.import.job.column"]._fields["field"]
                      ._description_selection(self.env))
        allowed = customer_import.KINDS[self.kind]
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for column in self.column_ids.filtered("field"):
            if column.field not in allowed:
                raise UserError(_(
                    "The column %(column)r cannot fill %(field)s in an import of "
                    "%(kind)s.") % {"column": column.header,
                                    "field": labels[column.field],
                                    "kind": kinds[self.kind]})
            if column.field in by_field:
                raise UserError(_(
                    "The columns %(first)r and %(second)r both fill %(field)s: "
                    "choose one.") % {"first": by_field[column.field],
                                      "second": column.header,
                                      "field": labels[column.field]})
            by_field[column.field] = column.header
            mapping[column.sequence] = column.field
        return mapping

    # --- check (dry run) -------------------------------------------------------------

    @api.multi
    def action_check(self):
        """Read and validate the file with the column mapping (guessed first if
        the columns were not read yet); find duplicates; write nothing."""
        self.ensure_one()
        if self.state not in ("draft", "checked", "failed"):
            raise UserError(_("This import has already started."))
        if not self.column_ids:
            self.action_read_columns()
        headers, rows = self._read_file()
        if len(self.column_ids) != len(headers):
            raise UserError(_("The file's columns changed: read the columns "
                              "again."))
        try:
            checked = customer_import.check_rows(
                headers, rows, self._mapping(), region=self.region, kind=self.kind)
        except customer_import.ImportFileError as error:
            raise UserError(_("The file cannot be imported: %s")
                            % (_(error.template) % error.params))
        good = [row for row in checked if not row["errors"]]
        owners = self._resolve_owners(good)
        keys = set().union(*[row["keys"] for row in good]) if good else set()
        if self.kind == "lead":
            found = self.env["crm.lead"]._find_by_keys(keys)
            companies = self._find_companies(good)
        else:
            found = self.env["res.partner"]._find_by_keys(keys)
            companies = {}
        errors, payload = [], []
        counts = {"create": 0, "update": 0, "skip": 0}
        assigns_others = self.env.user.has_group(
            "sales_team.group_sale_salesman_all_leads")
        for row in checked:
            owner = row["values"].get("owner")
            reasons = [_(template) % params for template, params in row["errors"]]
            if owner and not owners.get(owner):
                reasons.append(_("owner %r is not a salesperson") % owner)
            elif owner and owners[owner] != self.env.uid and not assigns_others:
                reasons.append(_("owner %r: only managers import customers for "
                                 "others") % owner)
            if reasons:
                errors.append(_("row %(row)d: %(reasons)s") % {
                    "row": row["row"], "reasons": "; ".join(reasons)})
                continue
            matches = sorted(set().union(*[found.get(k, set()) for k in row["keys"]]))
            action = "create"
            if matches and self.duplicate_policy != "create":
                action = "update" if self.duplicate_policy == "update" else "skip"
            counts[action] += 1
            values = dict(row["values"])
            values["owner"] = owners.get(values.get("owner"))
            if row["row"] in companies:
                values["partner_id"] = companies[row["row"]]
            payload.append({"row": row["row"], "action": action,
                            "target": matches[0] if matches else None,
                            "values": values})
        self.write({
            "state": "checked",
            "rows_total": len(checked),
            "rows_error": len(errors),
            "rows_to_create": counts["create"],
            "rows_to_update": counts["update"],
            "rows_to_skip": counts["skip"],
            "error_report": "\n".join(errors),
            "payload": json.dumps([p for p in payload if p["action"] != "skip"]),
            "next_index": 0,
            "rows_done": 0,
            "message": False,
        })
        return True

    def _find_companies(self, rows):
        """{row number: id of the existing customer} of lead rows whose phone,
        e-mail or company name is a customer's, found in one query."""
        keyed = {row["row"]: customer_import.company_keys(row["values"])
                 for row in rows}
        keys = set().union(*keyed.values()) if keyed else set()
        found = self.env["res.partner"]._find_by_keys(keys)
        result = {}
        for number, row_keys in keyed.items():
            matches = set().union(*[found.get(k, set()) for k in row_keys])
            if matches:
                result[number] = min(matches)
        return result

    def _resolve_owners(self, rows):
        """{owner text: user id} for the salespeople named by login, e-mail or name."""
        names = {row["values"]["owner"] for row in rows if row["values"].get("owner")}
        if not names:
            return {}
        group = self.env.ref("sales_team.group_sale_salesman")
        users = self.env["res.users"].search(
            [("groups_id", "in", group.id), "|", "|", ("login", "in", list(names)),
             ("email", "in", list(names)), ("name", "in", list(names))])
        result = {}
        for user in users:
            for text in (user.login, user.email, user.name):
                if text in names:
                    result[text] = user.id
        return result

    # --- run in the background -------------------------------------------------------

    @api.multi
    def action_start(self):
        self.ensure_one()
        if self.state != "checked":
            raise UserError(_("Check the file before importing it."))
        if not (self.rows_to_create or self.rows_to_update):
            raise UserError(_("Nothing to import: every row has an error or is a "
                              "skipped duplicate."))
        self.state = "queued"
        cron = self.env.ref("crm_core.ir_cron_import_run", raise_if_not_found=False)
        if cron:
            cron.sudo().nextcall = fields.Datetime.now()  # sudo: wake the runner
        return True

    @api.model
    def _cron_run(self, budget_seconds=50):
        """Write queued imports chunk by chunk, each chunk in its own transaction
        with the job's position: a crash loses nothing and the next run resumes."""
        deadline = time.time() + budget_seconds
        for job_id in self.search([("state", "in", ("queued", "running"))]).ids:
            while time.time() < deadline:
                if not self._run_chunk(job_id):
                    break
        return True

    def _run_chunk(self, job_id):
        """Write the next chunk of ``job_id`` in a transaction of its own, committed
        when the block ends; False when the job is finished or failed."""
        with api.Environment.manage(), registry(self.env.cr.dbname).cursor() as cr:
            env = api.Environment(cr, self.env.uid, self.env.context)
            return env["crm.import.job"]._run_chunk_in(job_id)

    @api.model
    def _run_chunk_in(self, job_id):
        """Write the next chunk of ``job_id`` in the current transaction: the rows
        and the job's new position commit together or not at all."""
        self.env.cr.execute(
            "SELECT id FROM crm_import_job WHERE id = %s FOR UPDATE NOWAIT", (job_id,))
        job = self.browse(job_id)
        rows = json.loads(job.payload or "[]")
        chunk = rows[job.next_index:job.next_index + max(job.chunk_size, 1)]
        if not chunk:
            job.write({"state": "done", "payload": False,
                       "message": _("Imported %d rows.") % job.rows_done})
            return False
        try:
            with self.env.cr.savepoint():
                self.sudo(job.user_id)._write_rows(chunk, job.kind)
        except Exception as error:  # any failure stops the job, visibly
            _logger.warning("Import %s stopped at row %s: %s",
                            job_id, chunk[0]["row"], error)
            job.write({"state": "failed", "message": _(
                "Stopped at row %(row)d: %(error)s") % {
                    "row": chunk[0]["row"], "error": error}})
            return False
        job.write({"state": "running",
                   "next_index": job.next_index + len(chunk),
                   "rows_done": job.rows_done + len(chunk)})
        return True

    @api.multi
    def action_resume(self):
        """Retry a failed import from where it stopped."""
        self.filtered(lambda j: j.state == "failed").write({"state": "queued"})
        return True

    @api.multi
    def action_download_template(self):
        kind = self[:1].kind or self.env.context.get("default_kind") or "customer"
        return {"type": "ir.actions.act_url", "target": "self",
                "url": "/crm_core/import_template.xlsx?kind=%s" % kind}

    # --- writing ------------------------------------------------------------------

    @api.model
    def _write_rows(self, rows, kind="customer"):
        """Write checked rows as the current user: new customers and their contacts
        (or new leads) in one INSERT each, then Odoo recomputes every other stored
        computed field of the new rows in batches; duplicates to update go through
        the ORM, under the user's rights."""
        if kind == "lead":
            return self._write_leads(rows)
        Partner = self.env["res.partner"]
        Partner.check_access_rights("create")
        creates = [row for row in rows if row["action"] == "create"]
        if creates:
            self._insert_customers(creates)
        updates = [row for row in rows if row["action"] == "update"]
        lookups = self._lookups(updates) if updates else None
        for row in updates:
            Partner.browse(row["target"]).write(
                self._update_vals(row["values"], lookups))

    def _lookups(self, rows):
        """Dictionary values named in the rows (by name or code), one search each."""
        Item = self.env["crm.dictionary.item"]
        lookups = {}
        for key, code in (("level", "customer_level"), ("source", "customer_source")):
            texts = {row["values"][key] for row in rows if row["values"].get(key)}
            domain = [("dictionary_code", "=", code), "|",
                      ("name", "in", list(texts)), ("code", "in", list(texts))]
            items = Item.search(domain) if texts else Item
            lookups[key] = {text: item.id for item in items
                            for text in (item.name, item.code) if text in texts}
        return lookups

    @staticmethod
    def _update_vals(values, lookups):
        """Partner values of an imported row, dictionary values from ``lookups``
        (made once per chunk by :meth:`_lookups`)."""
        vals = {field: values[key] for key, field in (
            ("phone", "phone"), ("mobile", "mobile"), ("email", "email"),
            ("street", "street"), ("city", "city"), ("website", "website"),
            ("note", "comment")) if values.get(key)}
        if values.get("level") in lookups["level"]:
            vals["customer_level_id"] = lookups["level"][values["level"]]
        if values.get("source") in lookups["source"]:
            vals["customer_source_id"] = lookups["source"][values["source"]]
        return vals

    def _next_customer_codes(self, count):
        sequence = self.env["ir.sequence"].sudo().search(  # sudo: configuration
            [("code", "=", "crm.customer.code")], limit=1)
        if not sequence:
            return [None] * count
        if sequence.implementation != "standard":
            return [sequence._next() for _i in range(count)]
        self.env.cr.execute(
            "SELECT nextval('ir_sequence_%03d') FROM generate_series(1, %%s)"
            % sequence.id, (count,))  # sql-safe: the sequence id is an integer
        prefix, suffix = sequence._get_prefix_suffix()
        return ["%s%0*d%s" % (prefix, sequence.padding, row[0], suffix)
                for row in self.env.cr.fetchall()]

    # Stored computed fields of res.partner that the INSERTs below fill themselves;
    # any other (from an addon installed later) is recomputed by the ORM.
    FILLED_FIELDS = {
        "commercial_partner_id", "commercial_company_name", "display_name",
        "partner_share", "phone_sanitized", "mobile_sanitized", "email_normalized",
        "name_key", "scope_user_id", "scope_team_id", "scope_pool_state",
        "shared_user_ids", "shared_write_user_ids", "activity_date_deadline",
        "commercial_partner_country_id",
    }

    def _insert_customers(self, rows):
        """One INSERT for the companies, one for their contacts, with every stored
        computed field filled in the same statement (the ORM would recompute them
        row by row, at about 40 rows a second)."""
        uid = self.env.uid
        now = fields.Datetime.now()
        company = self.env.user.company_id.id
        Partner = self.env["res.partner"]
        lang = Partner.default_get(["lang"]).get("lang")
        pool = self.env["crm.pool"].sudo()._default_pool()  # sudo: configuration
        default_owner = uid if Partner._creator_owns_new_customers() else None
        owners = {row["values"].get("owner") or default_owner for row in rows} - {None}
        users = self.env["res.users"].sudo().browse(list(owners))  # sudo: team ids
        teams = {user.id: user.sale_team_id.id or None for user in users}
        lookups = self._lookups(rows)
        codes = self._next_customer_codes(len(rows))
        values, scopes = [], []
        for row, code in zip(rows, codes):
            v = row["values"]
            owner = v.get("owner") or default_owner
            state = "owned" if owner else "pool"
            scopes.append((owner, teams.get(owner), state))
            values.append((
                v["name"], v["name"], v["name"], True, True, True, True, "contact",
                company, lang, owner, teams.get(owner), pool.id or None, state, code,
                v.get("phone"), v.get("mobile"), v.get("email"), v.get("street"),
                v.get("city"), v.get("website"), v.get("note"),
                lookups["level"].get(v.get("level")),
                lookups["source"].get(v.get("source")), "prospect",
                now if owner else None, None if owner else now,
                v.get("phone"), v.get("mobile"), v.get("email"),
                normalize_company_name(v["name"]), owner, teams.get(owner), state,
                uid, uid, now, now, "no-message", "no-message"))
        ids = [r[0] for r in execute_values(self.env.cr, """
            INSERT INTO res_partner (name, display_name, commercial_company_name,
                customer, is_company, active, partner_share, type, company_id, lang,
                user_id, team_id, pool_id, pool_state, customer_code, phone, mobile,
                email, street, city, website, comment, customer_level_id,
                customer_source_id, lifecycle_state, date_owned, date_pooled,
                phone_sanitized, mobile_sanitized, email_normalized, name_key,
                scope_user_id, scope_team_id, scope_pool_state, create_uid,
                write_uid, create_date, write_date, invoice_warn, sale_warn)
            VALUES %s RETURNING id
        """, values, fetch=True)]
        self.env.cr.execute("UPDATE res_partner SET commercial_partner_id = id "
                            "WHERE id IN %s", (tuple(ids),))
        contacts = []
        for row, pid, scope in zip(rows, ids, scopes):
            v = row["values"]
            if v.get("contact_name"):
                contacts.append((
                    v["contact_name"], "%s, %s" % (v["name"], v["contact_name"]),
                    v["name"], pid, v.get("function"), True, True, True, "contact",
                    company, lang, pid) + scope + (
                    uid, uid, now, now, "no-message", "no-message"))
        contact_ids = []
        if contacts:
            contact_ids = [r[0] for r in execute_values(self.env.cr, """
                INSERT INTO res_partner (name, display_name, commercial_company_name,
                    parent_id, function, customer, active, partner_share, type,
                    company_id, lang, commercial_partner_id, scope_user_id,
                    scope_team_id, scope_pool_state, create_uid, write_uid,
                    create_date, write_date, invoice_warn, sale_warn)
                VALUES %s RETURNING id
            """, contacts, fetch=True)]
        # bookkeeping on rows just written after the access checks
        new = Partner.sudo().browse(ids + contact_ids)  # sudo: see above
        new.invalidate_cache()
        others = [field for name, field in Partner._fields.items()
                  if field.compute and field.store and name not in self.FILLED_FIELDS]
        for field in others:
            self.env.add_todo(field, new)
        if others:
            new.recompute()
        return new.sudo(self.env.uid)

    # --- leads ----------------------------------------------------------------------

    def _write_leads(self, rows):
        """New leads in one INSERT, duplicates to update through the ORM."""
        Lead = self.env["crm.lead"]
        Lead.check_access_rights("create")
        sources = self._lead_sources(rows)
        creates = [row for row in rows if row["action"] == "create"]
        if creates:
            self._insert_leads(creates, sources)
        for row in rows:
            if row["action"] == "update":
                Lead.browse(row["target"]).write(
                    self._lead_update_vals(row["values"], sources))

    def _lead_sources(self, rows):
        """{name: utm.source id} for the sources the rows name; a source nobody
        used before is created (one per name), as Odoo's own import does."""
        Source = self.env["utm.source"]
        names = {row["values"]["source"] for row in rows
                 if row["values"].get("source")}
        found = {source.name: source.id
                 for source in Source.search([("name", "in", list(names))])}
        for name in sorted(names - set(found)):
            found[name] = Source.create({"name": name}).id
        return found

    @staticmethod
    def _lead_update_vals(values, sources):
        vals = {field: values[key] for key, field in (
            ("partner_name", "partner_name"), ("contact_name", "contact_name"),
            ("function", "function"), ("phone", "phone"), ("mobile", "mobile"),
            ("email", "email_from"), ("street", "street"), ("city", "city"),
            ("website", "website"), ("note", "description"),
            ("expected_revenue", "planned_revenue")) if values.get(key)}
        if values.get("source") in sources:
            vals["source_id"] = sources[values["source"]]
        if values.get("partner_id"):
            vals["partner_id"] = values["partner_id"]
        return vals

    # Stored computed fields of crm.lead that the INSERT below fills itself.
    FILLED_LEAD_FIELDS = {"phone_sanitized", "mobile_sanitized", "email_normalized"}

    def _insert_leads(self, rows, sources):
        """One INSERT for the leads, in the first open stage of the owner's team and
        of the type the user works with (leads, or straight opportunities); Odoo
        then recomputes the other stored computed fields of the new rows."""
        uid = self.env.uid
        now = fields.Datetime.now()
        Lead = self.env["crm.lead"]
        lead_type = "lead" if self.env.user.has_group("crm.group_use_lead") \
            else "opportunity"
        owners = {row["values"].get("owner") or uid for row in rows}
        users = self.env["res.users"].sudo().browse(list(owners))  # sudo: team ids
        teams = {user.id: user.sale_team_id.id or None for user in users}
        stages = {}
        for team in set(teams.values()):
            stage = Lead._stage_find(team_id=team or False,
                                     domain=[("fold", "=", False)])
            stages[team] = (stage.id or None, stage.probability or 0.0)
        company = self.env.user.company_id.id
        values = []
        for row in rows:
            v = row["values"]
            owner = v.get("owner") or uid
            team = teams.get(owner)
            stage, probability = stages[team]
            values.append((
                v["name"], lead_type, True, company, owner, team, stage, probability,
                v.get("partner_id"), v.get("partner_name"), v.get("contact_name"),
                v.get("function"), v.get("phone"), v.get("mobile"), v.get("email"),
                v.get("street"), v.get("city"), v.get("website"), v.get("note"),
                v.get("expected_revenue") or 0.0, sources.get(v.get("source")),
                "0", now, now, v.get("phone"), v.get("mobile"), v.get("email"),
                uid, uid, now, now))
        ids = [r[0] for r in execute_values(self.env.cr, """
            INSERT INTO crm_lead (name, type, active, company_id, user_id, team_id,
                stage_id, probability, partner_id, partner_name, contact_name,
                function, phone, mobile, email_from, street, city, website,
                description, planned_revenue, source_id, priority, date_open,
                date_last_stage_update, phone_sanitized, mobile_sanitized,
                email_normalized, create_uid, write_uid, create_date, write_date)
            VALUES %s RETURNING id
        """, values, fetch=True)]
        self._subscribe_owners("crm.lead", ids, [row[4] for row in values])
        new = Lead.browse(ids)
        new.check_access_rule("create")  # the rows are within the user's scope
        # bookkeeping on rows just written and checked
        new = new.sudo()  # sudo: see above
        new.invalidate_cache()
        others = [field for name, field in Lead._fields.items()
                  if field.compute and field.store
                  and name not in self.FILLED_LEAD_FIELDS]
        for field in others:
            self.env.add_todo(field, new)
        if others:
            new.recompute()
        return new.sudo(uid)

    def _subscribe_owners(self, model, ids, user_ids):
        """Each salesperson follows the records written for them, with the default
        subtypes, as the ORM's create would do: two INSERTs for all the rows."""
        users = self.env["res.users"].sudo().browse(set(user_ids))  # sudo: partners
        partners = {user.id: user.partner_id.id for user in users}
        followers = [r[0] for r in execute_values(self.env.cr, """
            INSERT INTO mail_followers (res_model, res_id, partner_id) VALUES %s
            RETURNING id
        """, [(model, res_id, partners[uid]) for res_id, uid in zip(ids, user_ids)],
            fetch=True)]
        subtypes = self.env["mail.message.subtype"].sudo()  # sudo: configuration
        subtype_ids = subtypes._default_subtypes(model)[0]
        if subtype_ids:
            execute_values(self.env.cr, """
                INSERT INTO mail_followers_mail_message_subtype_rel
                       (mail_followers_id, mail_message_subtype_id) VALUES %s
            """, [(f, s) for f in followers for s in subtype_ids])


class CrmImportJobColumn(models.Model):
    """One column of an import's file: its header, a sample of its values and the
    field it fills (empty: the column is ignored)."""

    _name = "crm.import.job.column"
    _description = "Import Column"
    _order = "job_id, sequence"

    job_id = fields.Many2one("crm.import.job", required=True, index=True,
                             ondelete="cascade")
    sequence = fields.Integer("Column", readonly=True,
                              help="Position of the column in the file, from 0.")
    header = fields.Char(readonly=True)
    sample = fields.Char("Sample Values", readonly=True)
    field = fields.Selection(TARGET_FIELDS, "Imported As",
                             help="Empty: the column is not imported.")
