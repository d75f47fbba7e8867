"""The recycle bin (回收站, issue 13, capability G14): deleting a customer, a lead,
a service ticket or a call moves it to the bin instead of destroying it.

Why a soft delete, after reading the four models:

* A real ``unlink`` takes with it what makes a record worth restoring:
  ``mail.thread`` deletes its messages and followers, ``mail.activity.mixin`` its
  activities, ``BaseModel`` its attachments, and the database cascades the pool
  history, shares, follow-ups, stage history, call answers and events. Rebuilding
  all that from a snapshot would give the record a new id and break every link
  other records hold to it. So the record stays in its table and is only marked:
  ``crm_deleted_at`` says when, and on models with ``active`` (customers, leads)
  ``active`` becomes False too, so that the SQL of crons and reports, which skips
  archived rows already, skips deleted ones. Tickets and calls have no ``active``:
  a deleted ticket is no longer open (``is_open``), which the SLA and dispatch SQL
  read. Messages, attachments and followers never move.
* Hidden from everyone: ``_where_calc`` (behind search, search_count,
  name_search, read_group and one2many reads) leaves deleted rows out for every
  user, the superuser's crons included, unless the bin's own code asks for them
  with a context marker no client can send; a global record rule on each model
  refuses them to ordinary users by id too (read, write, unlink).
* Activities are the exception: Odoo's activity menu counts them with SQL by user,
  so a deleted lead's activities would still be due. Their values are kept on the
  bin entry and they are created again on restore.
* Deleting checks what a real delete checks: the right to delete and the record
  rules, and a dry run of the real delete (rolled back) so that what the database
  would refuse (a customer with orders) is refused now, not at the purge.
* The bin entry (``crm.recycle.bin``) says what, who, when, whose and which
  company; managers of the model restore and purge; a daily job purges after the
  retention (``crm_core.recycle_retention_days``, 30 days by default).
* The superuser's ``unlink`` (data files, module uninstall, test clean-up) and the
  purge delete for real; so does deleting a contact that is a user's own partner.
  A company's contacts go to the bin with it, on the same entry.
"""
import logging

import psycopg2
from psycopg2 import sql

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

# a context value no client can send (RPC contexts are plain JSON/XML data)
_BIN = object()
#: the deleted records are visible (the bin's own code)
SHOW_DELETED_KEY = "crm_recycle_show_deleted"
#: unlink deletes for real (the purge)
PURGE_KEY = "crm_recycle_purge"


class _DryRun(Exception):
    """Rolls back the trial delete."""


class CrmRecycleMixin(models.AbstractModel):
    _name = "crm.recycle.mixin"
    _description = "Recycle Bin Support"
    # groups (comma-separated xml ids) that restore and purge this model's records,
    # besides CRM administrators
    _crm_recycle_managers = "crm_core.group_crm_admin"

    crm_deleted_at = fields.Datetime(
        "Deleted On", readonly=True, copy=False, index=True,
        help="Set while the record is in the recycle bin: it is hidden everywhere "
             "until a manager restores it or the bin purges it.")

    @api.model
    def _where_calc(self, domain, active_test=True):
        if self.env.context.get(SHOW_DELETED_KEY) is not _BIN:
            domain = [("crm_deleted_at", "=", False)] + list(domain or [])
        return super(CrmRecycleMixin, self)._where_calc(domain, active_test)

    # --- markers for the bin's own code --------------------------------------------

    def _crm_with_deleted(self):
        """These records, with deleted records visible to searches."""
        return self.with_context(**{SHOW_DELETED_KEY: _BIN})

    def _crm_purging(self):
        """These records, deleted for real by ``unlink``."""
        return self.with_context(**{SHOW_DELETED_KEY: _BIN, PURGE_KEY: _BIN})

    # --- delete ------------------------------------------------------------------

    @api.multi
    def _crm_recycle(self):
        """Move to the recycle bin what the user deletes; return the records moved
        (the caller's ``unlink`` deletes the others for real)."""
        if self.env.uid == SUPERUSER_ID or self.env.context.get(PURGE_KEY) is _BIN:
            return self.browse()
        records = self._crm_recycle_eligible()
        if not records:
            return records
        records.check_access_rights("unlink")
        records.check_access_rule("unlink")
        records._crm_recycle_dry_run()
        self.env["crm.recycle.bin"]._crm_add(records)
        return records

    @api.multi
    def _crm_recycle_eligible(self):
        """The records of these that go to the bin when deleted."""
        return self

    @api.multi
    def _crm_recycle_related(self):
        """Records of the same model that go to the bin with each record:
        {record id: records}."""
        return {}

    @api.multi
    def _crm_recycle_dry_run(self):
        """Delete for real and roll back: what the database or a model refuses is
        refused now, as a real delete would be."""
        # sudo: a trial of the delete the user may do (rights checked), rolled back
        trial = self.sudo()._crm_purging()  # sudo: see above
        try:
            with self.env.cr.savepoint():
                trial.unlink()
                raise _DryRun()
        except _DryRun:
            _logger.debug("trial delete of %s%s rolled back", self._name, self.ids)
        except psycopg2.IntegrityError:
            raise UserError(_(
                "%(model)s %(names)s cannot be deleted: other records still need "
                "it (orders, invoices, users...). Archive it instead.") % {
                    "model": self._description,
                    "names": ", ".join(self.mapped("display_name"))[:200]})
        finally:
            self.invalidate_cache()

    @api.multi
    def _crm_recycle_mark(self, deleted_at, actives=None):
        """Mark these records deleted at ``deleted_at``, or (False) bring them back
        with ``active`` as in ``actives`` {id: bool}. SQL: the record's write
        overrides react to a user's edit, and this is none."""
        if not self:
            return
        has_active = "active" in self._fields
        table = sql.Identifier(self._table)
        cr = self.env.cr
        if deleted_at:
            query = sql.SQL("UPDATE {} SET crm_deleted_at = %s{} WHERE id IN %s")
            also = sql.SQL(", active = FALSE" if has_active else "")
            # sql-safe: an Identifier and constant SQL; the values are parameters
            cr.execute(query.format(table, also), (deleted_at, tuple(self.ids)))
        else:
            groups = {}
            for record_id in self.ids:
                groups.setdefault(bool((actives or {}).get(record_id, True)),
                                  []).append(record_id)
            query = sql.SQL("UPDATE {} SET crm_deleted_at = NULL{} WHERE id IN %s")
            also = sql.SQL(", active = %s" if has_active else "")
            for active, ids in groups.items():
                # sql-safe: an Identifier and constant SQL; the values are parameters
                cr.execute(query.format(table, also),
                           ((active,) if has_active else ()) + (tuple(ids),))
        names = ["crm_deleted_at"] + (["active"] if has_active else [])
        self.invalidate_cache(names, self.ids)
        self.modified(names)
        self.recompute()
