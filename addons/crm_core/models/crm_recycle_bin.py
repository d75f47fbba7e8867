"""One deleted record in the recycle bin: restore brings it back, purge deletes it
for real (see crm_recycle_mixin.py for the design)."""
import json
import logging
from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .crm_recycle_mixin import _BIN, SHOW_DELETED_KEY

_logger = logging.getLogger(__name__)

RETENTION_PARAM = "crm_core.recycle_retention_days"
DEFAULT_RETENTION_DAYS = 30
# the activity values kept while the record is in the bin
ACTIVITY_FIELDS = ("res_model_id", "res_id", "activity_type_id", "summary", "note",
                   "date_deadline", "user_id", "recommended_activity_type_id",
                   "previous_activity_type_id")


class CrmRecycleBin(models.Model):
    _name = "crm.recycle.bin"
    _description = "Recycle Bin Entry"
    _order = "deleted_at desc, id desc"

    name = fields.Char("Record", required=True, readonly=True)
    res_model = fields.Selection(
        [("res.partner", "Customer / Contact"), ("crm.lead", "Lead / Opportunity")],
        "Kind", required=True, readonly=True, index=True)
    res_id = fields.Integer("Record ID", required=True, readonly=True, index=True)
    deleted_by_id = fields.Many2one("res.users", required=True,
                                    readonly=True, index=True, ondelete="restrict")
    deleted_at = fields.Datetime(
        "Deleted On", required=True, readonly=True, index=True)
    purge_date = fields.Datetime(
        compute="_compute_purge_date",
        help="When the daily job deletes the record for good, after the retention "
             "set in the CRM settings; empty when the bin keeps it until a manager "
             "purges it.")
    user_id = fields.Many2one("res.users", "Owner", readonly=True, index=True,
                              help="The record's salesperson or assignee when it "
                                   "was deleted.")
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 index=True)
    was_active = fields.Boolean(readonly=True, default=True,
                                help="Whether the record was archived before.")
    related_count = fields.Integer(
        "Related Records", compute="_compute_related_count",
        help="Contacts deleted with their company, restored and purged with it.")
    # JSON kept for the restore: [[id, active], ...] of the records deleted with
    # this one, and the values of their activities
    related_data = fields.Text(readonly=True, groups="base.group_no_one")
    activity_data = fields.Text(readonly=True, groups="base.group_no_one")
    purge_error = fields.Text(
        readonly=True,
        help="Why the last purge failed (another record still needs this one).")

    @api.depends("deleted_at")
    def _compute_purge_date(self):
        days = self._retention_days()
        for entry in self:
            if days and entry.deleted_at:
                entry.purge_date = fields.Datetime.to_string(
                    fields.Datetime.from_string(entry.deleted_at)
                    + timedelta(days=days))
            else:
                entry.purge_date = False

    @api.depends("related_data")
    def _compute_related_count(self):
        # sudo: the count, not the data, of a field kept for the restore
        for entry in self:
            kept = entry.sudo()._related_rows()  # sudo: counted, never shown
            entry.related_count = len(kept)

    # --- CRUD ------------------------------------------------------------------

    @api.multi
    def unlink(self):
        """Deleting an entry purges its record: for managers of the model."""
        if self.env.context.get(SHOW_DELETED_KEY) is _BIN:
            return super(CrmRecycleBin, self).unlink()
        self.check_access_rights("unlink")
        self.check_access_rule("unlink")
        self._check_manager()
        # sudo: the deleted records are hidden from everyone by their models'
        # rules; the user's right to purge them was checked above
        self.sudo()._purge(raise_errors=True)  # sudo: see above
        return True

    # --- actions ---------------------------------------------------------------

    @api.multi
    def action_restore(self):
        """Bring the records back, with their activities, as they were."""
        self.check_access_rights("read")
        self.check_access_rule("read")
        self._check_manager()
        user = self.env.user
        # sudo: as for the purge; the right to restore was checked above
        for entry in self.sudo():  # sudo: see above
            entry._restore(user)
        return True

    @api.multi
    def action_purge(self):
        self.unlink()
        return {"type": "ir.actions.client", "tag": "reload"}

    # --- the bin's work ---------------------------------------------------------

    @api.model
    def _retention_days(self):
        # sudo: a setting every user's bin shows
        value = self.env["ir.config_parameter"].sudo().get_param(  # sudo: see above
            RETENTION_PARAM, str(DEFAULT_RETENTION_DAYS))
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return DEFAULT_RETENTION_DAYS

    @api.multi
    def _check_manager(self):
        """Restore and purge are for the managers of each entry's model and CRM
        administrators."""
        if self.env.uid == SUPERUSER_ID or self.user_has_groups(
                "crm_core.group_crm_admin"):
            return
        for res_model in set(self.mapped("res_model")):
            model = self.env[res_model] if res_model in self.env else None
            groups = getattr(model, "_crm_recycle_managers", None)
            if not groups or not self.user_has_groups(groups):
                raise AccessError(_(
                    "Only managers may restore or purge deleted %s records.")
                    % (model._description if model is not None else res_model))

    @api.model
    def _crm_add(self, records):
        """Entries for ``records`` (checked by the caller), which are then hidden;
        their activities wait on the entry."""
        now = fields.Datetime.now()
        user = self.env.user
        related = records._crm_recycle_related()
        everything = records
        for extra in related.values():
            everything |= extra
        actives = {}
        if "active" in records._fields:
            actives = {r.id: r.active for r in everything.with_context(
                active_test=False)}
        activities = self.env["mail.activity"]
        if "activity_ids" in records._fields:
            # sudo: the deleted records' activities, whoever they are for
            activities = activities.sudo().search([  # sudo: see above
                ("res_model", "=", records._name), ("res_id", "in", everything.ids)])
        by_record = {}
        for activity in activities:
            by_record.setdefault(activity.res_id, []).append(
                _activity_values(activity))
        vals_list = []
        for record in records:
            ids = [record.id] + related.get(record.id, records.browse()).ids
            owner = record["user_id"] if "user_id" in record._fields else False
            company = record["company_id"] if "company_id" in record._fields \
                else False
            vals_list.append({
                "name": record.display_name or "%s,%s" % (record._name, record.id),
                "res_model": record._name,
                "res_id": record.id,
                "deleted_by_id": user.id,
                "deleted_at": now,
                "user_id": owner.id if owner and owner._name == "res.users" else False,
                "company_id": (company or user.company_id).id,
                "was_active": actives.get(record.id, True),
                "related_data": json.dumps([[i, actives.get(i, True)]
                                            for i in ids[1:]]),
                "activity_data": json.dumps([vals for i in ids
                                             for vals in by_record.get(i, [])]),
            })
        # sudo: the delete workflow writes the entries; users only read them
        Bin = self.sudo()  # sudo: see above
        for vals in vals_list:
            Bin.create(vals)
        # sudo: hiding them recomputes what depends on them, whoever may write it
        everything.sudo()._crm_recycle_mark(now)  # sudo: see above
        activities.unlink()

    def _related_rows(self):
        try:
            return json.loads(self.related_data or "[]")
        except ValueError:
            return []

    def _records(self):
        """The entry's record and those deleted with it, deleted ones visible."""
        self.ensure_one()
        if self.res_model not in self.env:
            return None
        Model = self.env[self.res_model]._crm_with_deleted().with_context(
            active_test=False)
        ids = [self.res_id] + [row[0] for row in self._related_rows()]
        return Model.browse(ids).exists()

    def _restore(self, user):
        """As superuser: the records come back, then their activities."""
        records = self._records()
        if records is None:
            raise UserError(_("%s records cannot be restored: their application "
                              "is no longer installed.") % self.res_model)
        actives = {row[0]: row[1] for row in self._related_rows()}
        actives[self.res_id] = self.was_active
        records._crm_recycle_mark(False, actives)
        Activity = self.env["mail.activity"]
        for vals in json.loads(self.activity_data or "[]"):
            if vals.get("res_id") in records.ids:
                Activity.create(vals)
        main = records.filtered(lambda r: r.id == self.res_id)
        if main and hasattr(main, "message_post"):
            main.message_post(
                body=_("Restored from the recycle bin by %(user)s (deleted by "
                       "%(deleter)s on %(date)s).") % {
                           "user": user.name, "deleter": self.deleted_by_id.name,
                           "date": self.deleted_at},
                author_id=user.partner_id.id, subtype="mail.mt_note")
        self.with_context(**{SHOW_DELETED_KEY: _BIN}).unlink()

    @api.multi
    def _purge(self, raise_errors=False):
        """As superuser: delete each entry's records for real, then the entry. An
        entry whose records the database still needs keeps its reason in
        ``purge_error`` (or, ``raise_errors``, the user is told)."""
        for entry in self:
            try:
                with self.env.cr.savepoint():
                    records = entry._records()
                    if records:
                        records._crm_purging().unlink()
                    entry.with_context(**{SHOW_DELETED_KEY: _BIN}).unlink()
            except (psycopg2.IntegrityError, UserError, ValidationError) as error:
                self.invalidate_cache()
                reason = str(getattr(error, "name", None) or error).strip()
                _logger.info("recycle bin: %s,%s not purged: %s", entry.res_model,
                             entry.res_id, reason)
                if raise_errors:
                    raise UserError(_("%(record)s cannot be purged: %(reason)s") % {
                        "record": entry.name, "reason": reason})
                entry.write({"purge_error": reason[:2000]})

    @api.model
    def _demo_delete(self, res_model, ids, user_id):
        """Demo data: ``user_id`` deletes these records (once)."""
        records = self.env[res_model].browse(ids).exists()._crm_with_deleted() \
            .filtered(lambda record: not record.crm_deleted_at)
        records.with_env(self.env(user=user_id)).unlink()

    @api.model
    def _cron_purge(self):
        """Purge the entries older than the retention."""
        days = self._retention_days()
        if not days:
            return
        limit = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days))
        # sudo: the job purges every company's bin
        self.sudo().search([("deleted_at", "<=", limit)])._purge()  # sudo: see above


def _activity_values(activity):
    vals = {}
    for name in ACTIVITY_FIELDS:
        if name not in activity._fields:
            continue
        value = activity[name]
        if isinstance(value, models.BaseModel):
            value = value.id
        vals[name] = value
    return vals
