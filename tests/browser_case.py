"""Browser tests: Odoo serves the test's own transaction over HTTP (the registry is
in test mode, as Odoo's HttpCase puts it, so every request works on the test's
cursor), and a flow script under tests/browser/ drives Debian's chromium through
playwright-core. The browser sees the records the test creates without a commit,
the test then reads what the browser did, and closing the cursor at the end rolls
all of it back."""
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

from odoo.addons.crm_core.tests.http_case import HttpCase

ROOT = Path(__file__).resolve().parent.parent
BROWSER_DIR = ROOT / "tests" / "browser"
NODE_MODULES = ROOT / "var" / "node" / "node_modules"
LOG_DIR = ROOT / "var" / "log"
PASSWORD = "Browser-Test-1"
# The first page a database serves compiles the web client's assets (lessc): the
# longest step, a few seconds; a whole flow takes well under a minute.
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


class BrowserCase(HttpCase):
    """``self.run_flow("claim_flow.js", user, key=value...)`` logs ``user`` (created
    with ``password=PASSWORD``) in and returns what the flow saw; a flow longer
    than FLOW_TIMEOUT sets ``flow_timeout``."""

    flow_timeout = FLOW_TIMEOUT

    def setUp(self):
        super(BrowserCase, self).setUp()
        problem = browser_problem()
        if problem:
            self.fail("The browser test needs node, playwright-core and chromium: %s"
                      % problem)

    def run_flow(self, flow, user, **extra):
        screenshot = LOG_DIR / ("browser-%s-%s.png" % (Path(flow).stem, user.login))
        if screenshot.exists():
            screenshot.unlink()
        job = {
            "base": self.base_url, "db": self.cr.dbname, "login": user.login,
            "password": PASSWORD, "chromium": chromium_path(),
            "screenshot": str(screenshot), "timeout_ms": STEP_TIMEOUT_MS,
        }
        job.update(extra)
        with self.served():
            stdout, stderr, code = self._node(BROWSER_DIR / flow, job)
        lines = [line for line in stdout.splitlines() if line.startswith("{")]
        seen = json.loads(lines[-1]) if lines else {}
        if code != 0 or not seen.get("ok"):
            self.fail("The browser flow failed (exit %s): %s\nscreenshot: %s\n"
                      "browser errors: %s\nstderr:\n%s" % (
                          code, seen.get("error"), seen.get("screenshot"),
                          seen.get("page_errors"), stderr[-3000:]))
        return seen

    def _node(self, flow, job):
        env = dict(os.environ, CRM_NODE_MODULES=str(NODE_MODULES))
        # A session of its own, so that a timeout ends node and its chromium.
        proc = subprocess.Popen(
            [shutil.which("node"), str(flow), json.dumps(job)], cwd=str(ROOT),
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True, start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=self.flow_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            stdout, stderr = proc.communicate()
            self.fail("The browser flow took more than %d s\nstdout:\n%s\nstderr:\n%s"
                      % (self.flow_timeout, stdout[-3000:], stderr[-3000:]))
        return stdout, stderr, proc.returncode
