"""./scripts/backup and ./scripts/restore on the suite's database: a round trip gives
the same rows in every table of ours and the same attachment files; a changed byte
in any member of the archive is refused before anything is created; an existing
database is replaced only with --force, and never while someone uses it."""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import unittest
from pathlib import Path

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api

ROOT = Path(__file__).resolve().parent.parent
# Tables the manifest must check whatever else it finds.
REQUIRED = {"res_partner", "crm_lead", "sale_order", "account_invoice",
            "crm_service_ticket", "crm_callcenter_call", "ir_attachment"}


def _env(name):
    value = os.environ.get(name)
    if not value:
        raise AssertionError(
            "%s is not set: run the suite through ./scripts/test" % name)
    return value


def _admin(statement):
    conn = psycopg2.connect(dbname="postgres")
    conn.autocommit = True
    try:
        conn.cursor().execute(statement)
    finally:
        conn.close()


def _db_exists(name):
    conn = psycopg2.connect(dbname="postgres")
    try:
        cr = conn.cursor()
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return bool(cr.fetchone())
    finally:
        conn.close()


class _Sink(object):
    def __init__(self):
        self.sha = hashlib.sha256()

    def write(self, data):
        self.sha.update(data if isinstance(data, bytes) else data.encode("utf-8"))


def _tables(dbname, tables):
    """{table: (rows, sha256 of its rows in a fixed order)}, computed here, apart
    from the script."""
    conn = psycopg2.connect(dbname=dbname)
    try:
        cr = conn.cursor()
        cr.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; "
                   "SET extra_float_digits = 1")
        facts = {}
        for table in tables:
            cr.execute("SELECT count(*) FROM information_schema.columns "
                       "WHERE table_name = %s AND column_name = 'id'", (table,))
            order = "id" if cr.fetchone()[0] else 't::text COLLATE "C"'
            cr.execute('SELECT count(*) FROM "%s"' % table)
            rows = cr.fetchone()[0]
            sink = _Sink()
            cr.copy_expert('COPY (SELECT * FROM "%s" t ORDER BY %s) TO STDOUT'
                           % (table, order), sink)
            facts[table] = (rows, sink.sha.hexdigest())
        return facts
    finally:
        conn.close()


def _flip_byte(archive, member, copy):
    """A copy of ``archive`` with one byte in the middle of ``member`` changed."""
    shutil.copy(archive, copy)
    with tarfile.open(copy) as tar:
        info = tar.getmember(member)
    with open(copy, "r+b") as fh:
        fh.seek(info.offset_data + info.size // 2)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0x01]))


class TestBackupRestore(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.db = _env("CRM_TEST_DB")
        cls.conf = _env("CRM_TEST_CONF")
        cls.restored = "%s_restored" % cls.db
        cls.tampered = "%s_tampered" % cls.db
        cls.tmp = tempfile.mkdtemp(prefix="crm-backup-test-")
        cls.archive = os.path.join(cls.tmp, "backup.tar")
        cls.content = b"backup test attachment " + os.urandom(32)
        with api.Environment.manage():
            with odoo.registry(cls.db).cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                attachment = env["ir.attachment"].create({
                    "name": "backup-test.txt",
                    "datas_fname": "backup-test.txt",
                    "datas": base64.b64encode(cls.content),
                    "res_model": "res.partner",
                    "res_id": env.ref("base.main_partner").id,
                })
                cls.attachment_id = attachment.id
                cls.store_fname = attachment.store_fname
        cls.source_file = os.path.join(odoo.tools.config.filestore(cls.db),
                                       cls.store_fname)
        cls.backup = cls.run_script("backup", cls.archive)
        with tarfile.open(cls.archive) as tar:
            cls.manifest = json.load(tar.extractfile("manifest.json"))

    @classmethod
    def tearDownClass(cls):
        for name in (cls.restored, cls.tampered):
            _admin('DROP DATABASE IF EXISTS "%s"' % name)
            shutil.rmtree(odoo.tools.config.filestore(name), ignore_errors=True)
        shutil.rmtree(cls.tmp, ignore_errors=True)
        with api.Environment.manage():
            with odoo.registry(cls.db).cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["ir.attachment"].browse(cls.attachment_id).unlink()
        if os.path.exists(cls.source_file):
            os.unlink(cls.source_file)

    @classmethod
    def run_script(cls, name, *args):
        environ = dict(os.environ, CRM_DB=cls.db, CRM_CONF=cls.conf)
        return subprocess.run(
            [str(ROOT / "scripts" / name)] + list(args), env=environ,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True, timeout=900)

    def restore(self, *args):
        return self.run_script("restore", self.archive, *args)

    def ensure_restored(self):
        if not _db_exists(self.restored):
            result = self.restore("--db", self.restored)
            self.assertEqual(result.returncode, 0, result.stderr)
            return result
        return None

    def test_backup_archive(self):
        self.assertEqual(self.backup.returncode, 0, self.backup.stderr)
        self.assertEqual(self.backup.stdout.strip(), self.archive)
        self.assertEqual(os.stat(self.archive).st_mode & 0o777, 0o600)
        manifest = self.manifest
        self.assertEqual(manifest["database"], self.db)
        self.assertEqual(manifest["odoo_version"], "11.0")
        for addon in ("crm_core", "crm_service", "crm_callcenter", "crm_analytics"):
            self.assertEqual(manifest["addons"][addon]["state"], "installed")
            self.assertTrue(manifest["addons"][addon]["version"].startswith("11.0."))
        self.assertLessEqual(REQUIRED, set(manifest["tables"]))
        conn = psycopg2.connect(dbname=self.db)
        try:
            cr = conn.cursor()
            cr.execute("SELECT table_name FROM information_schema.tables "
                       "WHERE table_type = 'BASE TABLE' AND table_schema = 'public' "
                       "AND table_name LIKE 'crm\\_%%'")
            ours = {name for (name,) in cr.fetchall()}
        finally:
            conn.close()
        self.assertLessEqual(ours, set(manifest["tables"]))
        # the manifest's figures are the source's, taken apart from the script
        self.assertEqual(
            {t: (f["rows"], f["sha256"]) for t, f in manifest["tables"].items()},
            _tables(self.db, sorted(manifest["tables"])))
        with open(self.source_file, "rb") as fh:
            self.assertEqual(fh.read(), self.content)
        member = manifest["members"]["filestore/" + self.store_fname]
        self.assertEqual(member["sha256"], hashlib.sha256(self.content).hexdigest())
        self.assertEqual(manifest["attachments"]["missing_at_backup"], [])
        again = self.run_script("backup", self.archive)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("already exists", again.stderr)

    def test_round_trip(self):
        result = self.ensure_restored()
        if result:
            self.assertIn("Restored", result.stderr)
        tables = sorted(self.manifest["tables"])
        self.assertEqual(_tables(self.restored, tables), _tables(self.db, tables))
        conn = psycopg2.connect(dbname=self.restored)
        try:
            cr = conn.cursor()
            cr.execute("SELECT store_fname, name FROM ir_attachment WHERE id = %s",
                       (self.attachment_id,))
            self.assertEqual(cr.fetchone(), (self.store_fname, "backup-test.txt"))
            cr.execute("SELECT store_fname FROM ir_attachment "
                       "WHERE store_fname IS NOT NULL")
            fnames = [name for (name,) in cr.fetchall()]
        finally:
            conn.close()
        store = odoo.tools.config.filestore(self.restored)
        with open(os.path.join(store, self.store_fname), "rb") as fh:
            self.assertEqual(fh.read(), self.content)
        self.assertEqual(
            [f for f in fnames if not os.path.isfile(os.path.join(store, f))], [])

    def test_tampered_archive_is_refused(self):
        store = odoo.tools.config.filestore(self.tampered)
        data_dir = os.path.dirname(os.path.dirname(store))
        for member in ("db.dump", "filestore/" + self.store_fname, "manifest.json"):
            copy = os.path.join(self.tmp, "tampered.tar")
            _flip_byte(self.archive, member, copy)
            result = self.run_script("restore", copy, "--db", self.tampered)
            self.assertNotEqual(result.returncode, 0, member)
            self.assertIn(member, result.stderr)
            self.assertIn("nothing was restored", result.stderr)
            self.assertFalse(_db_exists(self.tampered), member)
            self.assertFalse(os.path.exists(store), member)
            self.assertEqual(
                [n for n in os.listdir(data_dir) if n.startswith(".restore-")], [])
            conn = psycopg2.connect(dbname="postgres")
            try:
                cr = conn.cursor()
                cr.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                           (self.tampered + "%",))
                self.assertEqual(cr.fetchall(), [], member)
            finally:
                conn.close()

    def test_existing_database_needs_force(self):
        self.ensure_restored()
        conn = psycopg2.connect(dbname=self.restored)
        conn.autocommit = True
        try:
            conn.cursor().execute("CREATE TABLE backup_test_marker (id int)")
        finally:
            conn.close()

        def marker():
            conn = psycopg2.connect(dbname=self.restored)
            try:
                cr = conn.cursor()
                cr.execute("SELECT to_regclass('backup_test_marker') IS NOT NULL")
                return cr.fetchone()[0]
            finally:
                conn.close()

        result = self.restore("--db", self.restored)
        self.assertEqual(result.returncode, 1)
        self.assertIn("database %s already exists" % self.restored, result.stderr)
        self.assertIn("--force", result.stderr)
        self.assertTrue(marker(), "the existing database was changed")

        busy = psycopg2.connect(dbname=self.restored)
        try:
            result = self.restore("--db", self.restored, "--force")
        finally:
            busy.close()
        self.assertEqual(result.returncode, 1)
        self.assertIn("is in use", result.stderr)
        self.assertTrue(marker(), "a database in use was replaced")

        result = self.restore("--db", self.restored, "--force")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("replacing it", result.stderr)
        self.assertFalse(marker(), "--force did not replace the database")
        tables = sorted(self.manifest["tables"])
        self.assertEqual(_tables(self.restored, tables), _tables(self.db, tables))
