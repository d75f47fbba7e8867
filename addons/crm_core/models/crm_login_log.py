"""The login log and the lockout (issue 13).

Every attempt to log in, from the web client, JSON-RPC or XML-RPC, leaves a row:
when, which login, which user, from which address and user agent, and how it
ended. The rows are evidence: the CRM administrator reads them, nobody edits them,
and the daily cron drops those older than the retention.

The same rows decide the lockout: after ``login_max_failures`` failed attempts on
one login within ``login_lockout_minutes`` (counted since its last success or
unlock), or ``login_ip_max_failures`` from one address, further attempts are
refused, even with the right password, until the window has passed or an
administrator unlocks. Rows are written on a cursor of their own, committed at
once: a failed login rolls its own transaction back.
"""
import logging
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError

from ..lib.login_policy import clip, setting

_logger = logging.getLogger(__name__)

RESULTS = [
    ("success", "Logged in"),
    ("failed", "Wrong login or password"),
    ("locked", "Refused: locked out"),
    ("weak", "Refused: password below the policy"),
    ("unlocked", "Unlocked by an administrator"),
]
# what ends a run of failures on a login (an address is only unlocked by hand)
RESETS = ("success", "unlocked")


class CrmLoginLog(models.Model):
    _name = "crm.login.log"
    _description = "Login Attempt"
    _order = "id desc"
    _rec_name = "login"

    login = fields.Char(readonly=True, index=True)
    user_id = fields.Many2one("res.users", readonly=True,
                              ondelete="set null", index=True)
    ip = fields.Char("Address", readonly=True, index=True)
    user_agent = fields.Char(readonly=True)
    channel = fields.Selection([
        ("web", "Web client"), ("jsonrpc", "JSON-RPC"), ("xmlrpc", "XML-RPC"),
        ("system", "System")], readonly=True)
    result = fields.Selection(RESULTS, readonly=True, required=True, index=True)
    actor_id = fields.Many2one("res.users", "Unlocked by", readonly=True,
                               ondelete="set null")
    create_date = fields.Datetime("Time", readonly=True, index=True)

    @api.model
    def _crm_setting(self, key):
        params = self.env["ir.config_parameter"].sudo()  # sudo: system parameter
        return setting(params.get_param(key), key)  # only its bounded value

    @api.model
    def _crm_window_start(self):
        minutes = self._crm_setting("crm_core.login_lockout_minutes")
        return fields.Datetime.to_string(datetime.utcnow() - timedelta(minutes=minutes))

    @api.model
    def _crm_locked(self, login, ip):
        """Is ``login``, or the address ``ip``, locked out now?"""
        since = self._crm_window_start()
        cr = self.env.cr
        cr.execute("""
            SELECT count(*) FROM crm_login_log
             WHERE login = %(login)s AND result = 'failed'
               AND create_date > %(since)s
               AND id > coalesce((SELECT max(id) FROM crm_login_log
                                   WHERE login = %(login)s
                                     AND result IN %(resets)s), 0)
        """, {"login": clip(login), "since": since, "resets": RESETS})
        if cr.fetchone()[0] >= self._crm_setting("crm_core.login_max_failures"):
            return True
        if not ip:
            return False
        cr.execute("""
            SELECT count(*) FROM crm_login_log
             WHERE ip = %(ip)s AND result = 'failed' AND create_date > %(since)s
               AND id > coalesce((SELECT max(id) FROM crm_login_log
                                   WHERE ip = %(ip)s AND result = 'unlocked'), 0)
        """, {"ip": clip(ip), "since": since})
        return cr.fetchone()[0] >= self._crm_setting("crm_core.login_ip_max_failures")

    @api.model
    def _crm_record(self, login, result, user_id=None, ip=None, user_agent=None,
                    channel="system"):
        """Log one attempt, committed at once on a cursor of its own."""
        with self.pool.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env[self._name].create({
                "login": clip(login), "user_id": user_id or False, "ip": clip(ip),
                "user_agent": clip(user_agent), "channel": channel,
                "result": result})
        _logger.info("Login %s for login %r from %s (%s)", result, clip(login),
                     ip or "n/a", channel)

    @api.multi
    def action_unlock(self):
        """Unlock the logins and addresses of these attempts now."""
        if not self.env.user.has_group("crm_core.group_crm_admin"):
            raise AccessError(_("Only the CRM administrator unlocks logins."))
        for login, ip in set((row.login, row.ip) for row in self):
            self.sudo().create({  # sudo: the log is the system's
                "login": login, "ip": ip, "channel": "system",
                "actor_id": self.env.uid, "result": "unlocked"})
        return True

    @api.multi
    def write(self, vals):
        self._crm_refuse_changes()
        return super(CrmLoginLog, self).write(vals)

    @api.multi
    def unlink(self):
        self._crm_refuse_changes()
        return super(CrmLoginLog, self).unlink()

    def _crm_refuse_changes(self):
        if self.env.uid != SUPERUSER_ID:
            raise AccessError(_("The login log is evidence: nobody changes or "
                                "deletes its entries (they expire with the "
                                "retention period)."))

    @api.model
    def _cron_purge(self):
        """Drop the attempts older than the retention, and end the sessions idle
        for longer than the idle timeout."""
        days = self._crm_setting("crm_core.login_log_days")
        limit = fields.Datetime.to_string(datetime.utcnow() - timedelta(days=days))
        self.env.cr.execute("DELETE FROM crm_login_log WHERE create_date < %s",
                            (limit,))
        self.env["crm.login.session"]._crm_expire_idle(limit)
        return True
