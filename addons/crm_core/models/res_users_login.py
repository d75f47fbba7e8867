"""Logins: the log, the lockout and the password policy (issue 13).

``_login`` (web client, JSON-RPC and XML-RPC ``authenticate``) and ``check`` (each
XML-RPC call carries the password) both log failures and refuse a locked login or
address before looking at the password. Outside the demo (no
``crm_demo_credentials`` in the server's configuration) a password below the
policy, such as the demo's, no longer logs in: an administrator sets a new one
(``./scripts/passwd LOGIN``).
"""
from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessDenied, UserError
from odoo.tools import config

from ..lib.login_policy import password_problem
from ..rpc import client_info


def demo_server():
    """Does this server run the demo (crm_demo_credentials in its configuration)?"""
    return str(config.get("crm_demo_credentials") or "").lower() in ("1", "true", "yes")


class ResUsersLogin(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.users"

    @classmethod
    def _login(cls, db, login, password):
        ip, agent, channel = client_info()
        if not isinstance(login, str) or not isinstance(password, (str, type(None))):
            login = "%r" % (login,)
            password = None
        with cls.pool.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            log = env["crm.login.log"]
            locked = log._crm_locked(login, ip)
            user = env["res.users"].search([("login", "=", login)], limit=1)
            min_length = log._crm_setting("crm_core.password_min_length")
        if locked:
            result, uid = "locked", False
        else:
            uid = super(ResUsersLogin, cls)._login(db, login, password)
            result = "success" if uid else "failed"
            if uid and not demo_server() and \
                    password_problem(password, login, min_length):
                result, uid = "weak", False
        log._crm_record(login, result, user_id=user.id, ip=ip, user_agent=agent,
                        channel=channel)
        return uid

    @classmethod
    def check(cls, db, uid, passwd):
        cache = cls._Users__uid_cache[cls.pool.db_name]
        if passwd and cache.get(uid) == passwd:
            return None
        ip, agent, channel = client_info()
        with cls.pool.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            user = env["res.users"].browse(uid).exists() if isinstance(uid, int) \
                else env["res.users"]
            login = user.login if user else str(uid)
            log = env["crm.login.log"]
            locked = log._crm_locked(login, ip)
        if locked:
            log._crm_record(login, "locked", user_id=user.id, ip=ip,
                            user_agent=agent, channel=channel)
            raise AccessDenied()
        try:
            return super(ResUsersLogin, cls).check(db, uid, passwd)
        except AccessDenied:
            log._crm_record(login, "failed", user_id=user.id, ip=ip,
                            user_agent=agent, channel=channel)
            raise

    # --- the password policy -----------------------------------------------------

    @api.model
    def create(self, vals):
        if vals.get("password"):
            self._crm_check_password(vals["password"], vals.get("login"))
        return super(ResUsersLogin, self).create(vals)

    @api.multi
    def write(self, vals):
        if "password" in vals:
            for user in self:
                self._crm_check_password(vals["password"],
                                         vals.get("login", user.login))
        return super(ResUsersLogin, self).write(vals)

    @api.model
    def _crm_check_password(self, password, login):
        """Refuse a new password below the policy, saying why. Module data (the
        demo users) installs as it is: a demo server accepts its passwords."""
        if not self.pool.ready:
            return
        min_length = self.env["crm.login.log"]._crm_setting(
            "crm_core.password_min_length")
        problem = password_problem(password, login, min_length)
        messages = {
            "empty": _("The password is empty."),
            "short": _("The password needs at least %s characters.") % min_length,
            "login": _("The password may not be or contain the login."),
            "common": _("This password is among the first any attacker tries; "
                        "choose another."),
        }
        if problem:
            raise UserError(messages[problem])
