"""A real Odoo server for tests that need real transactions: a process of its own
on the suite's database (``CRM_TEST_DB``), threaded as the demo runs, on a free
port, with its log in a file the test can read. Requests commit, retry on
serialization failures and run in parallel, as in production; the test commits its
fixtures through XML-RPC too and removes them afterwards.

    with LiveServer() as server:
        uid = server.login("admin", "admin")
        server.xmlrpc(uid, "admin", "res.partner", "search", [[]])

``kill()`` ends the process with SIGKILL, as a crash or the OOM killer would; a
new LiveServer (another name) then starts on the same database. The server's
PostgreSQL sessions carry ``application_name`` = ``appname``, so a test can wait
for those of a killed server to end (``backends()``).
"""
import configparser
import json
import os
import signal
import socket
import subprocess
import time
import xmlrpc.client
from pathlib import Path

import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "log"
START_TIMEOUT = 120


def _env(name):
    value = os.environ.get(name)
    if not value:
        raise AssertionError("%s is not set: run the suite through ./scripts/test"
                             % name)
    return value


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:

    def __init__(self, name="live"):
        self.name = name
        self.db = _env("CRM_TEST_DB")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = LOG_DIR / ("test-%s-server.log" % name)
        self.conf = LOG_DIR / ("test-%s-server.conf" % name)
        self.appname = "crm-test-%s" % name
        self.process = None

    def __enter__(self):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        conf = configparser.ConfigParser(interpolation=None)
        conf.read(_env("CRM_TEST_CONF"))
        conf["options"].update({
            "http_port": str(self.port), "workers": "0", "max_cron_threads": "0",
            "log_level": "info", "dbfilter": "^%s$" % self.db})
        with self.conf.open("w") as handle:
            conf.write(handle)
        if self.log.exists():
            self.log.unlink()
        self.output = (LOG_DIR / ("test-%s-server.out" % self.name)).open("w")
        self.process = subprocess.Popen(
            _env("CRM_TEST_ODOO").split() + [
                "-c", str(self.conf), "-d", self.db, "--logfile", str(self.log)],
            stdout=self.output, stderr=subprocess.STDOUT,
            env=dict(os.environ, PGAPPNAME=self.appname))
        deadline = time.time() + START_TIMEOUT
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("the server stopped at start: %s%s" % (
                    Path(self.output.name).read_text()[-2000:],
                    self.log_text()[-3000:]))
            try:
                answer = requests.post(self.url + "/web/webclient/version_info",
                                       json={"params": {}}, timeout=5)
                if answer.status_code == 200:
                    # the registry loads with the first request of the database
                    self.login("admin", "admin")
                    return self
            except (requests.ConnectionError, requests.Timeout, ConnectionError):
                pass
            time.sleep(0.5)
        self.__exit__(None, None, None)
        raise AssertionError("the server did not answer within %ss" % START_TIMEOUT)

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.output.close()

    def kill(self):
        """SIGKILL: no shutdown, no rollback by Odoo, connections cut mid-request."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def backends(self, cursor):
        """How many PostgreSQL sessions of this server are still open (``cursor``:
        any connection to the cluster)."""
        cursor.execute("SELECT count(*) FROM pg_stat_activity "
                       "WHERE application_name = %s", (self.appname,))
        return cursor.fetchone()[0]

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    # --- clients ----------------------------------------------------------------

    def login(self, login, password):
        common = xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/common")
        return common.login(self.db, login, password)

    def xmlrpc(self, uid, password, model, method, args, kwargs=None):
        proxy = xmlrpc.client.ServerProxy(self.url + "/xmlrpc/2/object",
                                          allow_none=True)
        return proxy.execute_kw(self.db, uid, password, model, method, args,
                                kwargs or {})

    def jsonrpc(self, uid, password, model, method, args, kwargs=None):
        """(result, error) of a JSON-RPC ``execute_kw``; error is the JSON error."""
        answer = requests.post(self.url + "/jsonrpc", timeout=120, json={
            "jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "service": "object", "method": "execute_kw",
                "args": [self.db, uid, password, model, method, args, kwargs or {}]}})
        answer.raise_for_status()
        body = json.loads(answer.text)
        return body.get("result"), body.get("error")


class LiveFixtures:
    """Fixtures committed through a live server, as admin over XML-RPC, and removed
    in reverse order afterwards. The test class sets ``cls.server`` (a running
    LiveServer) and ``cls.created = []``."""

    ADMIN = ("admin", "admin")

    @classmethod
    def start_with_fixtures(cls, name):
        """Start a server named ``name`` and make the class's ``_fixtures``;
        stop it all if that fails."""
        cls.server = LiveServer(name).__enter__()
        cls.created = []
        try:
            cls._fixtures()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def _fixtures(cls):
        """The test's records (``make``)."""

    @classmethod
    def admin(cls, model, method, args, kwargs=None):
        uid = getattr(cls, "admin_uid", None)
        if uid is None or getattr(cls, "admin_server", None) is not cls.server:
            cls.admin_uid = uid = cls.server.login(*cls.ADMIN)
            cls.admin_server = cls.server
        return cls.server.xmlrpc(uid, cls.ADMIN[1], model, method, args, kwargs)

    @classmethod
    def ref(cls, xmlid):
        return cls.admin("ir.model.data", "xmlid_to_res_id", [xmlid])

    @classmethod
    def make(cls, model, vals, context=None):
        record_id = cls.admin(model, "create", [vals], {"context": context or {}})
        cls.created.append((model, record_id))
        return record_id

    @classmethod
    def remove_fixtures(cls):
        """Unlink what ``make`` created, newest first; a user other records still
        point to is archived instead."""
        for model, record_id in reversed(cls.created):
            try:
                cls.admin(model, "unlink", [[record_id]])
            except xmlrpc.client.Fault:
                if model == "res.users":
                    cls.admin(model, "write", [[record_id], {"active": False}])
        cls.created = []

    @classmethod
    def sql(cls, statement, params=None):
        """Run ``statement`` on the server's database in a connection of its own
        (autocommit); its rows, if any."""
        conn = psycopg2.connect(dbname=cls.server.db)
        conn.autocommit = True
        try:
            cursor = conn.cursor()
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else None
        finally:
            conn.close()
