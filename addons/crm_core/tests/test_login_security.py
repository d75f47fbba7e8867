"""Login security over real HTTP (issue 13): every attempt is logged with its
address and user agent; a login, or an address, is locked out after repeated
failures, even with the right password, until the window passes or an
administrator unlocks; new passwords follow the policy; a weak password logs in
only on a demo server; web sessions are listed, time out when idle and can be
logged out by the administrator."""
import re
import xmlrpc.client

import requests

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import config

from .http_case import ClientErrorsQuietHandler, HttpCase

PASSWORD = "Lock-Test-2026!"
AGENT = "CRM-Login-Test/1.0"


class TestLoginSecurity(HttpCase):

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        cls.crm_admin = cls.new_user("login_crm_admin", ["crm_core.group_crm_admin"],
                                     password=PASSWORD)
        cls.rep = cls.new_user("login_rep", ["sales_team.group_sale_salesman"],
                               password=PASSWORD)
        params = cls.env["ir.config_parameter"]
        params.set_param("crm_core.login_max_failures", "3")
        params.set_param("crm_core.login_ip_max_failures", "1000")

    def user(self, login):
        return self.new_user(login, ["sales_team.group_sale_salesman"],
                             password=PASSWORD)

    def xmlrpc_login(self, login, password):
        common = xmlrpc.client.ServerProxy(self.base_url + "/xmlrpc/2/common")
        return common.login(self.cr.dbname, login, password)

    def web_login(self, login, password, session=None):
        session = session or requests.Session()
        answer = session.post(
            self.base_url + "/web/session/authenticate",
            json={"jsonrpc": "2.0", "method": "call", "params": {
                "db": self.cr.dbname, "login": login, "password": password}},
            headers={"User-Agent": AGENT}).json()
        return session, answer.get("result", {}).get("uid")

    def call(self, session, model, method, *args):
        return session.post(
            self.base_url + "/web/dataset/call_kw",
            json={"jsonrpc": "2.0", "method": "call", "params": {
                "model": model, "method": method, "args": list(args),
                "kwargs": {}}},
            headers={"User-Agent": AGENT}).json()

    def attempts(self, login):
        return self.env["crm.login.log"].search([("login", "=", login)],
                                                order="id")

    def test_every_attempt_is_logged_with_address_user_agent_and_channel(self):
        user = self.user("login_logged")
        with self.served():
            self.assertFalse(self.xmlrpc_login("login_logged", "wrong"))
            self.assertEqual(self.xmlrpc_login("login_logged", PASSWORD), user.id)
            self.assertFalse(self.web_login("login_logged", "wrong")[1])
            self.assertFalse(self.xmlrpc_login("nobody_at_all", "guess"))
        rows = self.attempts("login_logged")
        self.assertEqual(rows.mapped("result"), ["failed", "success", "failed"])
        self.assertEqual(rows.mapped("channel"), ["xmlrpc", "xmlrpc", "web"])
        self.assertEqual(set(rows.mapped("ip")), {"127.0.0.1"})
        self.assertEqual(rows[2].user_agent, AGENT)
        self.assertEqual(rows.mapped("user_id"), user)
        unknown = self.attempts("nobody_at_all")
        self.assertEqual((unknown.result, unknown.user_id.id), ("failed", False))

    def test_a_login_is_locked_after_failures_even_with_the_right_password(self):
        user = self.user("login_locked")
        with self.served():
            for __ in range(3):
                self.assertFalse(self.xmlrpc_login("login_locked", "wrong"))
            self.assertFalse(self.xmlrpc_login("login_locked", PASSWORD))
            self.assertFalse(self.web_login("login_locked", PASSWORD)[1])
            # each XML-RPC call carries the password: it is locked too
            models = xmlrpc.client.ServerProxy(self.base_url + "/xmlrpc/2/object")
            with self.assertRaises(xmlrpc.client.Fault):
                models.execute_kw(self.cr.dbname, user.id, PASSWORD,
                                  "res.partner", "search", [[]])
            # the login page says why
            page = requests.get(self.base_url + "/web/login?db=" + self.cr.dbname,
                                timeout=60)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            answer = requests.post(self.base_url + "/web/login", data={
                "login": "login_locked", "password": PASSWORD, "csrf_token": token,
                "db": self.cr.dbname}, cookies=page.cookies, timeout=60)
            self.assertIn("locked for 15 minutes", answer.text)
        self.assertEqual(self.attempts("login_locked").mapped("result"),
                         ["failed"] * 3 + ["locked"] * 4)
        # other logins are not affected
        self.assertTrue(self.env["crm.login.log"]._crm_locked("login_locked", None))
        self.assertFalse(self.env["crm.login.log"]._crm_locked("login_rep", None))

    def test_the_lockout_ends_with_its_window_or_an_unlock(self):
        self.user("login_window")
        self.user("login_unlock")
        with self.served():
            for login in ("login_window", "login_unlock"):
                for __ in range(3):
                    self.xmlrpc_login(login, "wrong")
        # the window passes
        self.cr.execute("UPDATE crm_login_log SET create_date = create_date - "
                        "interval '16 minutes' WHERE login = 'login_window'")
        failed = self.attempts("login_unlock")[-1:]
        # a rep may not unlock; the CRM administrator may
        with self.assertRaises(AccessError):
            self.rpc(self.rep, "crm.login.log", "action_unlock", failed.ids)
        self.rpc(self.crm_admin, "crm.login.log", "action_unlock", failed.ids)
        with self.served():
            self.assertTrue(self.xmlrpc_login("login_window", PASSWORD))
            self.assertTrue(self.xmlrpc_login("login_unlock", PASSWORD))
        unlock = self.attempts("login_unlock").filtered(
            lambda row: row.result == "unlocked")
        self.assertEqual(unlock.actor_id, self.crm_admin)

    def test_an_address_is_locked_after_failures_on_many_logins(self):
        self.env["ir.config_parameter"].set_param("crm_core.login_ip_max_failures", "4")
        self.env["ir.config_parameter"].set_param("crm_core.login_max_failures", "100")
        user = self.user("login_by_address")
        try:
            with self.served():
                for index in range(4):
                    self.xmlrpc_login("spray_%d" % index, "wrong")
                self.assertFalse(self.xmlrpc_login("login_by_address", PASSWORD))
            self.assertEqual(self.attempts("login_by_address").result, "locked")
            self.assertTrue(self.env["crm.login.log"]._crm_locked("anyone",
                                                                  "127.0.0.1"))
            self.assertFalse(self.env["crm.login.log"]._crm_locked("anyone",
                                                                   "10.0.0.9"))
        finally:
            # later tests log in from the same address
            self.env["crm.login.log"].sudo().create({
                "login": "spray", "ip": "127.0.0.1", "result": "unlocked"})
            self.env["ir.config_parameter"].set_param(
                "crm_core.login_ip_max_failures", "1000")
            self.env["ir.config_parameter"].set_param(
                "crm_core.login_max_failures", "3")
        self.assertTrue(user)

    def test_new_passwords_follow_the_policy(self):
        user = self.user("login_policy")
        # the reasons, in the user's language (the test's is Chinese)
        for password, reason in (("short1!", "至少需要 8 个字符"),
                                 ("my-login_policy-pw", "登录名"),
                                 ("12345678", "攻击者"), ("", "空密码")):
            with self.assertRaises(UserError) as caught:
                self.rpc(user, "res.users", "change_password", PASSWORD, password)
            self.assertIn(reason, str(caught.exception))
        for password in ("short1!", "12345678", "Login_Policy_New"):
            with self.assertRaises(UserError):
                self.env["res.users"].create({
                    "name": "P", "login": "login_policy_new", "password": password})
        self.assertFalse(self.env["res.users"].search(
            [("login", "=", "login_policy_new")]))
        self.rpc(user, "res.users", "change_password", PASSWORD, "Another-Pass-77")
        user.sudo(user).check_credentials("Another-Pass-77")
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"crm_password_min_length": 2})

    def test_a_weak_password_logs_in_only_on_a_demo_server(self):
        self.user("login_weak")
        # the policy tightens after the password was set
        self.env["ir.config_parameter"].set_param("crm_core.password_min_length", "20")
        saved = config.get("crm_demo_credentials")
        try:
            with self.served():
                self.assertTrue(self.xmlrpc_login("login_weak", PASSWORD))
                config["crm_demo_credentials"] = "False"
                self.assertFalse(self.xmlrpc_login("login_weak", PASSWORD))
        finally:
            config["crm_demo_credentials"] = saved
            self.env["ir.config_parameter"].set_param(
                "crm_core.password_min_length", "8")
        self.assertEqual(self.attempts("login_weak").mapped("result"),
                         ["success", "weak"])

    def test_sessions_are_listed_time_out_and_can_be_logged_out(self):
        user = self.user("login_sessions")
        Sessions = self.env["crm.login.session"]
        with self.served():
            first, uid = self.web_login("login_sessions", PASSWORD)
            self.assertEqual(uid, user.id)
            self.assertIn("result", self.call(first, "res.partner", "search_count", []))
            second = self.web_login("login_sessions", PASSWORD)[0]
            self.call(second, "res.partner", "search_count", [])
            third = self.web_login("login_sessions", PASSWORD)[0]
            self.call(third, "res.partner", "search_count", [])
        sessions = Sessions.search([("user_id", "=", user.id)], order="id")
        self.assertEqual(len(sessions), 3)
        self.assertEqual((sessions[0].ip, sessions[0].user_agent, sessions[0].state),
                         ("127.0.0.1", AGENT, "active"))
        # a rep sees no sessions and logs nobody out; the administrator does
        for method, args in (("read", [["ip"]]), ("action_revoke", [])):
            with self.assertRaises(AccessError):
                self.rpc(self.rep, "crm.login.session", method, sessions[0].ids, *args)
        self.rpc(self.crm_admin, "crm.login.session", "action_revoke", sessions[0].ids)
        # the second one has been idle for a day
        self.cr.execute("UPDATE crm_login_session SET last_seen = last_seen - "
                        "interval '1 day' WHERE id = %s", (sessions[1].id,))
        with self.served():
            for session in (first, second):
                error = self.call(session, "res.partner", "search_count", [])["error"]
                self.assertEqual(error["data"]["name"],
                                 "odoo.http.SessionExpiredException")
            self.assertIn("result", self.call(third, "res.partner", "search_count", []))
            third.get(self.base_url + "/web/session/logout")
        sessions.invalidate_cache()
        self.assertEqual(sessions.mapped("state"),
                         ["revoked", "expired", "logged_out"])
        self.assertEqual(sessions[0].revoked_by_id, self.crm_admin)
        self.assertFalse(Sessions.sudo().search([("session_key", "=", "x")]))

    def test_logging_in_again_on_an_ended_session_id_works(self):
        """A browser may get its old session id back after logging out (a request
        still running at the logout answers after it and sets the old cookie):
        logging in again with it starts a new entry instead of bouncing back to
        the login page, and the old entry stays as it ended."""
        user = self.user("login_again")
        Sessions = self.env["crm.login.session"]
        with self.served():
            browser, __ = self.web_login("login_again", PASSWORD)
            old = browser.cookies.get("session_id")
            browser.get(self.base_url + "/web/session/logout", timeout=60)
            again = requests.Session()
            again.cookies.set("session_id", old)
            self.assertEqual(self.web_login("login_again", PASSWORD, again)[1],
                             user.id)
            self.assertEqual({cookie.value for cookie in again.cookies
                              if cookie.name == "session_id"}, {old})
            self.assertIn("result", self.call(again, "res.partner", "search_count",
                                              []))
        sessions = Sessions.search([("user_id", "=", user.id)], order="id")
        self.assertEqual(sessions.mapped("state"), ["logged_out", "active"])

    def test_the_log_is_read_by_the_crm_administrator_and_changed_by_nobody(self):
        with self.served():
            self.xmlrpc_login("login_rep", "wrong")
        row = self.attempts("login_rep")[-1:]
        self.assertEqual(self.rpc(self.crm_admin, "crm.login.log", "read", row.ids,
                                  ["result"])[0]["result"], "failed")
        with self.assertRaises(AccessError):
            self.rpc(self.rep, "crm.login.log", "read", row.ids, ["result"])
        for method, args in (("write", [{"result": "success"}]), ("unlink", [])):
            with self.assertRaises(AccessError):
                self.rpc(self.crm_admin, "crm.login.log", method, row.ids, *args)
        self.assertEqual(row.result, "failed")
