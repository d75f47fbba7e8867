"""End to end in a real browser: a sales rep claims a customer from the open pool
(公海) in the web client, and a rep at the pool's cap is refused with a clear message.

Odoo serves the test's own transaction over HTTP: the registry is in test mode, as
Odoo's HttpCase puts it, so every request works on the test's cursor. The browser
sees the records this test creates without a commit, the test then reads what the
browser did, and closing the cursor at the end rolls all of it back.
"""
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

from odoo.addons.crm_core.tests.http_case import HttpCase

ROOT = Path(__file__).resolve().parent.parent
FLOW = ROOT / "tests" / "browser" / "claim_flow.js"
NODE_MODULES = ROOT / "var" / "node" / "node_modules"
LOG_DIR = ROOT / "var" / "log"
PASSWORD = "Browser-Claim-1"
# The first page a database serves compiles the web client's assets (lessc): the
# longest step, a few seconds; the whole flow takes well under a minute.
STEP_TIMEOUT_MS = 30000
FLOW_TIMEOUT = 120


def chromium_path():
    return os.environ.get("CRM_CHROMIUM") or shutil.which("chromium")


def browser_problem():
    """Why a browser test cannot run here, or None."""
    if not shutil.which("node"):
        return "node not found on PATH: apt-get install nodejs npm"
    if not (NODE_MODULES / "playwright-core").is_dir():
        return ("playwright-core is missing from var/node/node_modules: ./scripts/test "
                "installs it there (npm ci from config/package.json)")
    chromium = chromium_path()
    if not chromium or not os.access(chromium, os.X_OK):
        return ("chromium not found (on PATH, or CRM_CHROMIUM=%s): "
                "apt-get install chromium" % os.environ.get("CRM_CHROMIUM", ""))
    return None


class TestBrowserClaim(HttpCase):

    @classmethod
    def _create_records(cls):
        cls.team = cls.env["crm.team"].create({"name": "Browser Pool Team"})
        cls.pool = cls.env["crm.pool"].create({
            "name": "Browser Pool",
            "team_ids": [(6, 0, cls.team.ids)],
            "max_owned": 2,
        })
        salesman = ["base.group_user", "sales_team.group_sale_salesman"]
        cls.rep = cls.new_user("browser_rep", salesman, sale_team_id=cls.team.id,
                               password=PASSWORD, lang="en_US")
        cls.full_rep = cls.new_user("browser_full_rep", salesman,
                                    sale_team_id=cls.team.id, password=PASSWORD,
                                    lang="en_US")
        for user in cls.rep | cls.full_rep:
            cls.env["crm.pool.member"].create({"pool_id": cls.pool.id,
                                               "user_id": user.id})
        cls.free = cls._customer("Browser Claim Co")
        cls.capped = cls._customer("Browser Cap Co")
        for name in ("Browser Owned One", "Browser Owned Two"):
            cls._customer(name, user_id=cls.full_rep.id)

    @classmethod
    def _customer(cls, name, **vals):
        values = {"name": name, "customer": True, "is_company": True,
                  "pool_id": cls.pool.id}
        values.update(vals)
        return cls.env["res.partner"].create(values)

    def setUp(self):
        super(TestBrowserClaim, self).setUp()
        problem = browser_problem()
        if problem:
            self.fail("The browser test needs node, playwright-core and chromium: %s"
                      % problem)

    def run_flow(self, user, customer, expect):
        """Log in as ``user`` in chromium and claim ``customer`` from the Customer
        Pool menu; return what the browser saw."""
        screenshot = LOG_DIR / ("browser-claim-%s.png" % user.login)
        if screenshot.exists():
            screenshot.unlink()
        job = {
            "base": self.base_url, "db": self.cr.dbname, "login": user.login,
            "password": PASSWORD, "customer": customer.name, "expect": expect,
            "chromium": chromium_path(), "screenshot": str(screenshot),
            "timeout_ms": STEP_TIMEOUT_MS,
        }
        with self.served():
            stdout, stderr, code = self._node(job)
        lines = [line for line in stdout.splitlines() if line.startswith("{")]
        seen = json.loads(lines[-1]) if lines else {}
        if code != 0 or not seen.get("ok"):
            self.fail("The browser flow failed (exit %s): %s\nscreenshot: %s\n"
                      "browser errors: %s\nstderr:\n%s" % (
                          code, seen.get("error"), seen.get("screenshot"),
                          seen.get("page_errors"), stderr[-3000:]))
        return seen

    def _node(self, job):
        env = dict(os.environ, CRM_NODE_MODULES=str(NODE_MODULES))
        # A session of its own, so that a timeout ends node and its chromium.
        proc = subprocess.Popen(
            [shutil.which("node"), str(FLOW), json.dumps(job)], cwd=str(ROOT),
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True, start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=FLOW_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            stdout, stderr = proc.communicate()
            self.fail("The browser flow took more than %d s\nstdout:\n%s\nstderr:\n%s"
                      % (FLOW_TIMEOUT, stdout[-3000:], stderr[-3000:]))
        return stdout, stderr, proc.returncode

    def pool_logs(self, customer):
        return self.env["crm.pool.log"].search([("partner_id", "=", customer.id)])

    def test_rep_claims_a_pool_customer_in_the_browser(self):
        seen = self.run_flow(self.rep, self.free, "claimed")
        self.assertEqual(seen["status_before"]["value"], "pool")
        self.assertEqual(seen["status_after"]["value"], "owned")
        self.assertTrue(any(self.free.name in row for row in seen["my_customers"]),
                        seen["my_customers"])
        self.assertEqual(self.free.pool_state, "owned")
        self.assertEqual(self.free.user_id, self.rep)
        log = self.pool_logs(self.free)
        self.assertEqual(log.mapped("action"), ["claim"])
        self.assertEqual((log.owner_id, log.user_id, log.pool_id),
                         (self.rep, self.rep, self.pool))

    def test_rep_at_the_cap_is_refused_in_the_browser(self):
        seen = self.run_flow(self.full_rep, self.capped, "denied")
        # Odoo 11 titles every refusal "Odoo Server Error - Warning"; what tells a
        # refusal from a crash is the body: the message alone, no traceback.
        self.assertEqual(seen["dialog_kind"], "warning", seen)
        self.assertTrue(seen["dialog_title"].endswith("Warning"), seen)
        self.assertEqual(seen["dialog"],
                         "You may own at most 2 customers of the pool Browser Pool.")
        self.assertEqual(seen["status_after"]["value"], "pool")
        self.assertEqual(self.capped.pool_state, "pool")
        self.assertFalse(self.capped.user_id)
        self.assertFalse(self.pool_logs(self.capped))
        owned = self.env["res.partner"].search_count(
            [("pool_id", "=", self.pool.id), ("user_id", "=", self.full_rep.id)])
        self.assertEqual(owned, 2)
