"""Each request of a logged-in web session is checked against the sessions list
(models/crm_login_session.py): a session logged out by an administrator, or idle
too long, is closed before the request runs."""
from odoo import models
from odoo.http import request

from ..rpc import client_info

# requests a client makes by itself, not the user: they do not keep a session alive
BACKGROUND_PATHS = ("/longpolling/", "/web/webclient/version_info")


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _authenticate(cls, auth_method="user"):
        session = request.session
        if session.uid and session.db and "crm.login.session" in request.registry:
            ip, agent, __ = client_info()
            path = request.httprequest.path
            # sudo: the sessions list is the system's; checks this session only
            env = request.env(user=session.uid)
            Sessions = env["crm.login.session"].sudo()  # sudo: see above
            if not Sessions._crm_check_request(
                    session.sid, session.uid, ip, agent,
                    not path.startswith(BACKGROUND_PATHS)):
                session.logout(keep_db=True)
        return super(IrHttp, cls)._authenticate(auth_method)
