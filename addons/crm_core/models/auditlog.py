"""The field-change audit trail (issue 13), on OCA's ``auditlog``.

auditlog keeps who changed what, when, from which HTTP session and request, with
the old and the new value, for the models its rules name (``data/crm_audit_rules.xml``
subscribes customers, opportunities, quotations, tickets and compensation). On top
of it:

- a model lists the fields worth an audit in ``_crm_audited_fields`` (owner, pool,
  level, stage, amounts, approvals, SLA); only those are read and logged, so a
  phone number change writes no log and a write reads a handful of columns, not the
  whole record twice;
- a write that changes none of them leaves no empty log behind;
- exports of customer data are logged too (``method`` "export", with the row count
  and the columns), see models/base_guard.py;
- the log is evidence: nobody but the system (its autovacuum) changes or deletes it,
  and the CRM administrator reads it.
"""
from odoo import SUPERUSER_ID, _, api, models
from odoo.addons.auditlog.models.rule import FIELDS_BLACKLIST
from odoo.exceptions import AccessError

EXPORT_METHOD = "export"


class AuditlogRule(models.Model):
    _inherit = "auditlog.rule"

    def get_auditlog_fields(self, model):
        audited = _audited_fields(model)
        if audited:
            return [name for name in audited if name in model._fields]
        return super(AuditlogRule, self).get_auditlog_fields(model)

    @api.multi
    def _make_create(self):
        """The snapshot of a new record is read as the system: a service agent may
        create a compensation whose amount he may not read."""
        create = super(AuditlogRule, self)._make_create()
        if self.log_type != "full":
            return create
        log_type = self.log_type

        @api.model
        @api.returns("self", lambda value: value.id)
        def create_full(self, vals, **kwargs):
            self = self.with_context(auditlog_disabled=True)
            rule_model = self.env["auditlog.rule"]
            record = create_full.origin(self, vals, **kwargs)
            names = rule_model.get_auditlog_fields(self)
            # sudo: the log holds every audited field, readable by the user or not
            snapshot = record.sudo()  # sudo: see above
            new_values = {record.id: {
                name: field.convert_to_read(snapshot[name], snapshot)
                for name, field in record._fields.items() if name in names}}
            # sudo: see above
            rule_model.sudo().create_logs(  # sudo: see above
                self.env.uid, self._name, record.ids, "create", None, new_values,
                {"log_type": log_type})
            return record
        return create_full

    def create_logs(self, uid, res_model, res_ids, method, old_values=None,
                    new_values=None, additional_log_values=None):
        if method not in ("create", "write") or \
                not _audited_fields(self.env[res_model]):
            return super(AuditlogRule, self).create_logs(
                uid, res_model, res_ids, method, old_values=old_values,
                new_values=new_values, additional_log_values=additional_log_values)
        old_values, new_values = old_values or {}, new_values or {}
        changes = {}
        for res_id in res_ids:
            old, new = old_values.get(res_id) or {}, new_values.get(res_id) or {}
            names = [name for name, value in new.items()
                     if name not in FIELDS_BLACKLIST
                     and (method == "create" or old.get(name) != value)]
            if names:
                changes[res_id] = names
        if changes:
            self._crm_insert_logs(uid, res_model, changes, method, old_values,
                                  new_values, dict(additional_log_values or {}))
        return None

    def _crm_insert_logs(self, uid, res_model, changes, method, old_values,
                         new_values, extra):
        """The logs of one create or write in two multi-row INSERTs: a write of
        50 opportunities costs the queries of one, not 50 times auditlog's
        create per log and per line."""
        cr = self.env.cr
        # sudo: the audit trail is written by the system, not the user
        model = self.env["ir.model"].sudo().browse(  # sudo: see above
            self.pool._auditlog_model_cache[res_model])
        # sudo: see above
        audited = self.env[res_model].sudo()  # sudo: see above
        names = dict(audited.browse(list(changes)).name_get())
        request_id = self.env["auditlog.http.request"].current_http_request()
        session_id = self.env["auditlog.http.session"].current_http_session()
        rows = [(str(names.get(res_id) or "")[:64], model.id, res_id, method, uid,
                 request_id or None, session_id or None,
                 extra.get("log_type") or "full", uid, uid)
                for res_id in changes]
        cr.execute(
            "INSERT INTO auditlog_log (name, model_id, res_id, method, user_id,"
            " http_request_id, http_session_id, log_type, create_uid, write_uid,"
            " create_date, write_date) VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
                         " now() at time zone 'UTC', now() at time zone 'UTC')"]
                        * len(rows))
            + " RETURNING id, res_id",
            [value for row in rows for value in row])
        log_ids = dict((res_id, log_id) for log_id, res_id in cr.fetchall())
        texts = _relation_texts(self, model, changes, old_values, new_values)
        lines = []
        for res_id, fnames in changes.items():
            for fname in fnames:
                field = self._get_field(model, fname)
                if not field:
                    continue
                old = False if method == "create" else \
                    (old_values.get(res_id) or {}).get(fname, False)
                new = new_values[res_id][fname]
                old_text, new_text = texts.get(
                    fname, lambda value: value)(old), texts.get(
                    fname, lambda value: value)(new)
                lines.append((field["id"], log_ids[res_id], _text(old), _text(new),
                              _text(old_text), _text(new_text), uid, uid))
        if lines:
            cr.execute(
                "INSERT INTO auditlog_log_line (field_id, log_id, old_value,"
                " new_value, old_value_text, new_value_text, create_uid,"
                " write_uid, create_date, write_date) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s,"
                             " now() at time zone 'UTC', now() at time zone 'UTC')"]
                            * len(lines)),
                [value for row in lines for value in row])
        self.env["auditlog.log"].invalidate_cache()

    @api.model
    def _crm_subscribe(self, xmlids):
        """Subscribe the rules our data files define (the "View logs" shortcut on
        each model comes with it); called from those files."""
        for xmlid in xmlids:
            rule = self.env.ref(xmlid, raise_if_not_found=False)
            if rule and rule.state != "subscribed":
                rule.subscribe()

    @api.model
    def _crm_log_export(self, records, columns):
        """One log per export of customer data: who, when, from where, how many
        records and which columns."""
        model_id = self.env["ir.model"]._get_id(records._name)
        self.pool._auditlog_model_cache = getattr(
            self.pool, "_auditlog_model_cache", {})
        self.pool._auditlog_model_cache.setdefault(records._name, model_id)
        # sudo: the audit trail is written by the system, not the user
        request = self.env["auditlog.http.request"].sudo()  # sudo: see above
        # sudo: see above
        session = self.env["auditlog.http.session"].sudo()  # sudo: see above
        # sudo: the log is the system's, written for any user who exports
        self.env["auditlog.log"].sudo().create({  # sudo: see above
            "name": (_("%(count)s records: %(columns)s") % {
                "count": len(records), "columns": ", ".join(columns)})[:64],
            "model_id": model_id,
            "res_id": records[:1].id,
            "method": EXPORT_METHOD,
            "user_id": self.env.uid,
            "http_request_id": request.current_http_request(),
            "http_session_id": session.current_http_session(),
            "log_type": "fast",
        })


class AuditlogLog(models.Model):
    _inherit = "auditlog.log"

    @api.multi
    def write(self, vals):
        _refuse_tampering(self)
        return super(AuditlogLog, self).write(vals)

    @api.multi
    def unlink(self):
        _refuse_tampering(self)
        return super(AuditlogLog, self).unlink()


class AuditlogLogLine(models.Model):
    _inherit = "auditlog.log.line"

    @api.multi
    def write(self, vals):
        _refuse_tampering(self)
        return super(AuditlogLogLine, self).write(vals)

    @api.multi
    def unlink(self):
        _refuse_tampering(self)
        return super(AuditlogLogLine, self).unlink()


def _audited_fields(model):
    """What the classes of ``model`` list in ``_crm_audited_fields``."""
    names = []
    for klass in type(model).__mro__:
        names.extend(klass.__dict__.get("_crm_audited_fields") or ())
    return names


def _text(value):
    """What the ORM would store in auditlog's Text columns."""
    if value is None or value is False:
        return None
    return value if isinstance(value, str) else str(value)


def _relation_texts(rule, model, changes, old_values, new_values):
    """For x2many fields, a function giving the name_get of a list of ids, read
    once per field for all the records of the call (deleted ids read "DELETED")."""
    texts = {}
    for fname in set(name for names in changes.values() for name in names):
        field = rule._get_field(model, fname)
        if not field or not field["relation"] or "2many" not in field["ttype"]:
            continue
        ids = set()
        for values in (old_values, new_values):
            for res_id in changes:
                ids.update((values.get(res_id) or {}).get(fname) or ())
        # sudo: names of the linked records as the log records them
        related = rule.env[field["relation"]].sudo()  # sudo: see above
        existing = related.browse(related._search([("id", "in", list(ids))]))
        found = dict(existing.name_get())

        texts[fname] = _names_of(found)
    return texts


def _names_of(found):
    """name_get of related ids, from the names ``found`` in one batch."""
    def name_get(value):
        return [(res_id, found.get(res_id, "DELETED")) for res_id in value or ()]
    return name_get


def _refuse_tampering(records):
    if records and records.env.uid != SUPERUSER_ID:
        raise AccessError(_("The audit log is evidence: nobody changes or deletes "
                            "its entries (they expire with the retention period)."))
