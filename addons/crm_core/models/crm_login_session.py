"""Active sessions of the web client, their idle timeout and forced logout
(issue 13).

Odoo keeps a web session in a file for 90 days and asks nothing more. Here the
first request of a logged-in session registers it (the SHA-256 of its id, never
the id itself; the user, address and user agent); each request checks it: a
session the administrator logged out, or idle longer than ``session_idle_minutes``,
is closed there and the user is back at the login page. The last activity is
noted at most once a minute, on a cursor of its own, best effort: two requests of
one session never conflict over it. Long-polling is not activity: a tab left open
still times out.
"""
import logging
from datetime import datetime, timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..lib.login_policy import clip, session_key

_logger = logging.getLogger(__name__)
TOUCH_SECONDS = 60


class CrmLoginSession(models.Model):
    _name = "crm.login.session"
    _description = "Web Session"
    _order = "last_seen desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", readonly=True, required=True,
                              ondelete="cascade", index=True)
    session_key = fields.Char(readonly=True, required=True, groups="base.group_system")
    ip = fields.Char("Address", readonly=True)
    user_agent = fields.Char(readonly=True)
    login_date = fields.Datetime("Logged in", readonly=True)
    last_seen = fields.Datetime("Last activity", readonly=True)
    end_date = fields.Datetime("Ended", readonly=True)
    state = fields.Selection([
        ("active", "Active"), ("logged_out", "Logged out"),
        ("expired", "Timed out"), ("revoked", "Logged out by an administrator")],
        readonly=True, required=True, default="active", index=True)
    revoked_by_id = fields.Many2one("res.users", "Logged out by", readonly=True,
                                    ondelete="set null")

    _sql_constraints = [
        ("session_key_unique", "unique (session_key)",
         "A session is registered once."),
    ]

    # --- the request's check (models/ir_http.py) -----------------------------

    @api.model
    def _crm_check_request(self, sid, uid, ip, user_agent, activity):
        """Is the session ``sid`` of user ``uid`` still open? Registers it on its
        first request, ends it when idle too long; ``activity``: the request is the
        user's doing (not long-polling)."""
        key = session_key(sid)
        self.env.cr.execute(
            "SELECT state, user_id, last_seen < (now() at time zone 'UTC') - "
            "make_interval(mins => %s), last_seen < (now() at time zone 'UTC') - "
            "make_interval(secs => %s) FROM crm_login_session WHERE session_key = %s",
            (self.env["crm.login.log"]._crm_setting("crm_core.session_idle_minutes"),
             TOUCH_SECONDS, key))
        row = self.env.cr.fetchone()
        if row is None:
            self._crm_apart("""
                INSERT INTO crm_login_session (user_id, session_key, ip, user_agent,
                    login_date, last_seen, state, create_uid, write_uid,
                    create_date, write_date)
                VALUES (%(uid)s, %(key)s, %(ip)s, %(agent)s, %(now)s, %(now)s,
                        'active', %(uid)s, %(uid)s, %(now)s, %(now)s)
                ON CONFLICT (session_key) DO NOTHING""", {
                "uid": uid, "key": key, "ip": clip(ip), "agent": clip(user_agent),
                "now": fields.Datetime.now()})
            return True
        state, owner, idle, stale = row
        if state != "active" or owner != uid:
            return False
        if idle:
            self._crm_apart(
                "UPDATE crm_login_session SET state = 'expired', end_date = %s "
                "WHERE session_key = %s AND state = 'active'",
                (fields.Datetime.now(), key))
            return False
        if stale and activity:
            self._crm_apart(
                "UPDATE crm_login_session SET last_seen = %s WHERE session_key = %s",
                (fields.Datetime.now(), key))
        return True

    @api.model
    def _crm_start(self, sid, uid, ip, user_agent):
        """``sid`` logged in as ``uid``: a new entry. What the list held under that
        session id (logged out, timed out, or another login) stays as history,
        ended, under a key no session id gives."""
        now = fields.Datetime.now()
        key = session_key(sid)
        self._crm_apart("""
            UPDATE crm_login_session
               SET session_key = session_key || ':' || id,
                   state = CASE WHEN state = 'active' THEN 'logged_out'
                                ELSE state END,
                   end_date = COALESCE(end_date, %(now)s)
             WHERE session_key = %(key)s;
            INSERT INTO crm_login_session (user_id, session_key, ip, user_agent,
                login_date, last_seen, state, create_uid, write_uid, create_date,
                write_date)
            VALUES (%(uid)s, %(key)s, %(ip)s, %(agent)s, %(now)s, %(now)s, 'active',
                    %(uid)s, %(uid)s, %(now)s, %(now)s)
            ON CONFLICT (session_key) DO NOTHING""", {
            "uid": uid, "key": key, "ip": clip(ip), "agent": clip(user_agent),
            "now": now})

    @api.model
    def _crm_end(self, sid):
        """The user logged out."""
        self._crm_apart(
            "UPDATE crm_login_session SET state = 'logged_out', end_date = %s "
            "WHERE session_key = %s AND state = 'active'",
            (fields.Datetime.now(), session_key(sid)))

    def _crm_apart(self, query, params):
        """Run ``query`` committed on a cursor of its own; a conflict with a
        concurrent request of the same session loses nothing worth a retry."""
        try:
            with self.pool.cursor() as cr:
                cr.execute(query, params)
        except psycopg2.Error as error:
            _logger.info("Session bookkeeping skipped: %s", error)

    # --- what the administrator does ------------------------------------------

    @api.multi
    def action_revoke(self):
        """Log these sessions out: their next request goes to the login page."""
        if not self.env.user.has_group("crm_core.group_crm_admin"):
            raise AccessError(_("Only the CRM administrator logs other users out."))
        active = self.filtered(lambda session: session.state == "active")
        # sudo: the sessions are the system's bookkeeping; the administrator
        # only reads them
        active.sudo().write({  # sudo: see above
            "state": "revoked", "end_date": fields.Datetime.now(),
            "revoked_by_id": self.env.uid})
        return True

    @api.model
    def _crm_expire_idle(self, forget_before):
        """End the sessions idle past the timeout; forget those ended before
        ``forget_before``."""
        minutes = self.env["crm.login.log"]._crm_setting(
            "crm_core.session_idle_minutes")
        now = datetime.utcnow()
        self.env.cr.execute(
            "UPDATE crm_login_session SET state = 'expired', end_date = %s "
            "WHERE state = 'active' AND last_seen < %s",
            (fields.Datetime.to_string(now),
             fields.Datetime.to_string(now - timedelta(minutes=minutes))))
        self.env.cr.execute(
            "DELETE FROM crm_login_session WHERE state != 'active' AND end_date < %s",
            (forget_before,))
