"""Logging out ends the session in the sessions list, and logging in starts a new
one there, even on a session id that was logged out (a browser gets its old
session id back when a request still running at the logout answers after it);
the login page says why a login was refused (locked out, password below the
policy) instead of "Wrong login/password"."""
from odoo import _, http
from odoo.addons.web.controllers import main
from odoo.http import request

from ..rpc import client_info


def _started():
    """The request's session just logged in: a new entry of the sessions list."""
    session = request.session
    if session.uid and "crm.login.session" in request.registry:
        ip, agent, __ = client_info()
        sessions = request.env["crm.login.session"].sudo()  # sudo: system's list
        # starts only this session
        sessions._crm_start(session.sid, session.uid, ip, agent)


class Session(main.Session):

    @http.route()
    def logout(self, redirect="/web"):
        if request.session.uid and "crm.login.session" in request.registry:
            sessions = request.env["crm.login.session"].sudo()  # sudo: system's list
            sessions._crm_end(request.session.sid)  # ends only this session
        return super(Session, self).logout(redirect=redirect)

    @http.route()
    def authenticate(self, db, login, password, base_location=None):
        result = super(Session, self).authenticate(
            db, login, password, base_location=base_location)
        _started()
        return result


class Home(main.Home):

    @http.route()
    def web_login(self, redirect=None, **kw):
        response = super(Home, self).web_login(redirect=redirect, **kw)
        if request.httprequest.method == "POST":
            _started()
        login = request.params.get("login")
        qcontext = getattr(response, "qcontext", None)
        if request.httprequest.method == "POST" and login and qcontext \
                and qcontext.get("error") and "crm.login.log" in request.registry:
            # the page reads why this login failed
            last = request.env["crm.login.log"].sudo().search(  # sudo: system's log
                [("login", "=", login)], limit=1)
            if last.result == "locked":
                minutes = last._crm_setting("crm_core.login_lockout_minutes")
                qcontext["error"] = _(
                    "Too many failed attempts: this login is locked for %s "
                    "minutes. Try again later or ask your administrator.") % minutes
            elif last.result == "weak":
                qcontext["error"] = _(
                    "Your password is below the password policy: ask your "
                    "administrator to set a new one.")
        return response
