"""The database manager is off on a CRM server (``list_db = False``, as
./scripts/run configures it): every /web/database/* page and action answers 404
and does nothing, even with the right master password; a server that lists its
databases (the test server) keeps Odoo's manager."""
import requests

from odoo.tools import config

from .http_case import ClientErrorsQuietHandler, HttpCase


class TestDatabaseManager(HttpCase):

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        cls.db = cls.env.cr.dbname

    def fetch(self, path, data=None):
        url = self.base_url + path + "?db=" + self.db
        if data is None:
            return requests.get(url, timeout=60)
        return requests.post(url, data=data, timeout=60)

    def test_the_manager_is_off_unless_the_server_lists_databases(self):
        saved = config.get("list_db")
        try:
            config["list_db"] = False
            with self.served():
                for path in ("/web/database/manager", "/web/database/selector"):
                    self.assertEqual(self.fetch(path).status_code, 404, path)
                # right master password, still nothing
                for path, data in (
                        ("/web/database/drop", {"name": self.db}),
                        ("/web/database/duplicate", {"name": self.db,
                                                     "new_name": self.db + "_copy"}),
                        ("/web/database/change_password",
                         {"master_pwd_new": "Changed-Master-1"})):
                    data["master_pwd"] = config["admin_passwd"]
                    self.assertEqual(self.fetch(path, data).status_code, 404, path)
            self.cr.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                            (self.db + "_copy",))
            self.assertEqual(self.cr.fetchone()[0], 0)
            config["list_db"] = True
            with self.served():
                page = self.fetch("/web/database/manager")
            self.assertEqual(page.status_code, 200)
            self.assertIn("master", page.text.lower())
        finally:
            config["list_db"] = saved

    def test_json_rpc_errors_carry_no_traceback(self):
        def call(service, method, args):
            return requests.post(self.base_url + "/jsonrpc", timeout=60, json={
                "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                    "service": service, "method": method, "args": args}}).json()
        saved = config.get("list_db")
        try:
            config["list_db"] = False
            with self.served():
                denied = call("db", "list", [])["error"]["data"]
                broken = call("db", "list", [1, 2, 3])["error"]["data"]
                wrong = call("object", "execute_kw", [
                    self.db, 2, "wrong password", "res.partner", "search", [[]]])
        finally:
            config["list_db"] = saved
        self.assertEqual((denied["name"], denied["debug"]),
                         ("odoo.exceptions.AccessDenied", ""))
        self.assertEqual(broken["debug"], "")
        self.assertEqual(broken["message"], "Server error: the request could not "
                         "be completed (TypeError); the details are in the server's "
                         "log.")
        self.assertNotIn("Traceback", str(wrong))
        self.assertEqual(wrong["error"]["data"]["name"], "odoo.exceptions.AccessDenied")
