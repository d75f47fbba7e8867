"""Each addon installs on its own, in dependency order, on a fresh database that has
only Odoo's modules (the template scripts/test builds): crm_core alone, then
crm_service, then crm_callcenter, then crm_analytics."""
import os
import subprocess
import unittest

import psycopg2

ORDER = ["crm_core", "crm_service", "crm_callcenter", "crm_analytics"]


def _env(name):
    value = os.environ.get(name)
    if not value:
        raise AssertionError(
            "%s is not set: run the suite through ./scripts/test" % name)
    return value


class TestInstallSeparately(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.template = _env("CRM_TEST_TEMPLATE")
        cls.conf = _env("CRM_TEST_CONF")
        cls.odoo = _env("CRM_TEST_ODOO").split()
        cls.db = "%s_sep" % _env("CRM_TEST_DB")
        cls._admin("DROP DATABASE IF EXISTS %s" % cls.db)
        cls._admin("CREATE DATABASE %s TEMPLATE %s" % (cls.db, cls.template))

    @classmethod
    def tearDownClass(cls):
        cls._admin("DROP DATABASE IF EXISTS %s" % cls.db)

    @staticmethod
    def _admin(statement):
        conn = psycopg2.connect(dbname="postgres")
        conn.autocommit = True
        try:
            conn.cursor().execute(statement)
        finally:
            conn.close()

    def _states(self):
        conn = psycopg2.connect(dbname=self.db)
        try:
            cr = conn.cursor()
            cr.execute("SELECT name, state FROM ir_module_module WHERE name IN %s",
                       (tuple(ORDER),))
            return dict(cr.fetchall())
        finally:
            conn.close()

    def test_install_one_by_one(self):
        for step, addon in enumerate(ORDER):
            result = subprocess.run(
                self.odoo + ["-c", self.conf, "-d", self.db, "-i", addon,
                             "--stop-after-init", "--log-level=warn"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                universal_newlines=True, timeout=900,
            )
            self.assertEqual(result.returncode, 0, result.stdout[-3000:])
            states = self._states()
            for done in ORDER[:step + 1]:
                self.assertEqual(states.get(done), "installed",
                                 "%s after installing %s" % (done, addon))
            for later in ORDER[step + 1:]:
                self.assertNotEqual(states.get(later), "installed",
                                    "%s came in with %s" % (later, addon))


class TestModuleStates(unittest.TestCase):
    """While any module is 'to install', Odoo's cron runner skips the database:
    the pool's recycling and the share expiry would never run."""

    def test_no_module_is_left_pending(self):
        conn = psycopg2.connect(dbname=_env("CRM_TEST_DB"))
        try:
            cr = conn.cursor()
            cr.execute("SELECT name, state FROM ir_module_module "
                       "WHERE state LIKE 'to %%'")
            self.assertEqual(cr.fetchall(), [])
        finally:
            conn.close()
