"""Backups of one CRM database: ``backup.py backup [FILE]`` and
``backup.py restore FILE [--db NAME] [--force]``, run by scripts/backup and
scripts/restore (which set up the venv and PostgreSQL and pass, in the environment,
CRM_DB, CRM_ROOT, CRM_VAR, CRM_DATA_DIR, PG_DUMP, PG_RESTORE and CRM_ADDONS).

The archive is an ordinary tar file:

    db.dump              pg_dump -Fc of the database
    filestore/...        every file of the database's filestore (attachments)
    manifest.json        what was saved, with a sha256 of every other member and a row
                         count and a content checksum of each of our tables
    manifest.sha256      the sha256 of manifest.json

The dump, the counts and the checksums come from one snapshot of the database (the
dump runs on the snapshot the checksums are computed in), so a backup taken while
Odoo serves users is consistent. Restore checks every checksum before it touches
anything, restores into a new database, checks the counts, the table checksums and
the attachments there, and only then puts the database and its filestore in place.
"""
import ast
import datetime
import hashlib
import importlib.util
import io
import json
import os
import re
import runpy
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile

import psycopg2

FORMAT = "crm-backup"
FORMAT_VERSION = 1
DUMP = "db.dump"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
FILESTORE = "filestore/"
CHUNK = 1 << 20
# Tables checked even if no field of ours lands in them.
CORE_TABLES = ("res_partner", "crm_lead", "sale_order", "sale_order_line",
               "account_invoice", "account_invoice_line", "res_users", "ir_attachment")
# Session settings that fix the text COPY writes, so that the checksum of a table
# is the same on the source and on the restored database.
SESSION = ("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; "
           "SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; "
           "SET bytea_output = 'hex'; SET client_encoding = 'UTF8'")
CHECKSUM_METHOD = ("sha256 of COPY (SELECT * FROM t ORDER BY id) TO STDOUT, text "
                   "format, UTF8, TimeZone UTC, DateStyle ISO; tables without an id "
                   "ordered by the row's text in the C collation")
DB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


class Failure(Exception):
    """A problem to tell the user in one clear message (no traceback)."""


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def step(msg):
    say("==> %s" % msg)


def env(name):
    value = os.environ.get(name)
    if not value:
        raise Failure("%s is not set: run ./scripts/backup or ./scripts/restore" % name)
    return value


def connect(dbname):
    try:
        conn = psycopg2.connect(dbname=dbname)
    except psycopg2.Error as exc:
        raise Failure("cannot connect to database %s: %s" % (dbname, str(exc).strip()))
    return conn


def db_exists(name):
    conn = connect("postgres")
    try:
        cr = conn.cursor()
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return bool(cr.fetchone())
    finally:
        conn.close()


def admin(statement, *params):
    conn = connect("postgres")
    conn.autocommit = True
    try:
        conn.cursor().execute(statement, params)
    finally:
        conn.close()


def quote_ident(name):
    return '"%s"' % name.replace('"', '""')


def sessions(name):
    """Other connections to database ``name``: [(pid, application, client)]."""
    conn = connect("postgres")
    try:
        cr = conn.cursor()
        cr.execute("SELECT pid, coalesce(application_name, ''), "
                   "coalesce(client_addr::text, 'local socket') FROM pg_stat_activity "
                   "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        return cr.fetchall()
    finally:
        conn.close()


def refuse_if_in_use(name):
    users = sessions(name)
    if users:
        apps = sorted({app or "unnamed client" for _pid, app, _client in users})
        raise Failure(
            "database %s is in use (%d connection(s): %s). Stop the Odoo server that "
            "serves it first (Ctrl-C in ./scripts/run, or stop the service), and close "
            "psql sessions on it; nothing was changed."
            % (name, len(users), ", ".join(apps)))


class Hasher(object):
    """A write-only file that hashes and counts what is written to it."""

    def __init__(self):
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sha.update(data)
        self.size += len(data)
        return len(data)


# --- what we check: our tables, their counts and checksums -------------------------

def our_tables(cr, addons):
    """Base tables of the models our addons define or extend, their many2many
    tables, every crm_* table and CORE_TABLES, sorted."""
    cr.execute("""
        SELECT DISTINCT f.model FROM ir_model_fields f
          JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
         WHERE d.module IN %s""", (tuple(addons),))
    names = {model.replace(".", "_") for (model,) in cr.fetchall()}
    cr.execute("""
        SELECT r.name FROM ir_model_relation r
          JOIN ir_module_module m ON m.id = r.module WHERE m.name IN %s""",
               (tuple(addons),))
    names.update(name for (name,) in cr.fetchall())
    names.update(CORE_TABLES)
    cr.execute("""
        SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
           AND (table_name = ANY(%s) OR table_name LIKE 'crm\\_%%')""",
               (sorted(names),))
    return sorted(name for (name,) in cr.fetchall())


def table_facts(cr, table):
    """(row count, sha256 of the table's content) as seen by cursor ``cr``."""
    cr.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' "
               "AND table_name = %s AND column_name = 'id'", (table,))
    order = "id" if cr.fetchone() else 't::text COLLATE "C"'
    ident = quote_ident(table)
    cr.execute("SELECT count(*) FROM %s" % ident)
    rows = cr.fetchone()[0]
    out = Hasher()
    cr.copy_expert("COPY (SELECT * FROM %s t ORDER BY %s) TO STDOUT" % (ident, order),
                   out)
    return rows, out.sha.hexdigest()


def stored_files(cr):
    cr.execute("SELECT DISTINCT store_fname FROM ir_attachment "
               "WHERE store_fname IS NOT NULL AND store_fname <> ''")
    return sorted(name for (name,) in cr.fetchall())


def odoo_version():
    spec = importlib.util.find_spec("odoo")
    if spec is None or not spec.submodule_search_locations:
        return None
    release = os.path.join(list(spec.submodule_search_locations)[0], "release.py")
    return runpy.run_path(release).get("version")


def source_versions(root, addons):
    versions = {}
    for addon in addons:
        path = os.path.join(root, "addons", addon, "__manifest__.py")
        if os.path.exists(path):
            with open(path) as fh:
                version = ast.literal_eval(fh.read()).get("version", "")
            if not version.startswith("11.0."):
                version = "11.0." + version
            versions[addon] = version
    return versions


# --- backup --------------------------------------------------------------------------

def backup(args):
    db = env("CRM_DB")
    var = env("CRM_VAR")
    addons = env("CRM_ADDONS").split(",")
    filestore = os.path.join(env("CRM_DATA_DIR"), "filestore", db)
    stamp = datetime.datetime.utcnow().replace(microsecond=0)
    if args:
        target = os.path.abspath(args[0])
    else:
        target = os.path.join(var, "backups",
                              "%s-%s.tar" % (db, stamp.strftime("%Y%m%dT%H%M%SZ")))
    if os.path.exists(target):
        raise Failure("%s already exists: choose another file name (a backup is never "
                      "overwritten)" % target)
    # The archive holds every customer's data: readable by its owner only.
    os.umask(0o077)
    if not os.path.isdir(os.path.dirname(target)):
        if args:
            raise Failure("folder %s does not exist" % os.path.dirname(target))
        os.makedirs(os.path.dirname(target))
    if not db_exists(db):
        raise Failure("database %s does not exist on %s; set CRM_DB to the database to "
                      "back up" % (db, os.environ.get("PGHOST", "this server")))
    conn = connect(db)
    cr = conn.cursor()
    cr.execute("SELECT 1 FROM information_schema.tables "
               "WHERE table_name = 'ir_module_module'")
    if not cr.fetchone():
        raise Failure("database %s is not an Odoo database" % db)
    partial = "%s.partial-%d" % (target, os.getpid())
    dump = "%s.dump-%d" % (target, os.getpid())
    try:
        manifest = _backup_into(conn, cr, db, addons, filestore, dump, partial, stamp)
        os.replace(partial, target)
    finally:
        conn.close()
        for path in (partial, dump):
            if os.path.exists(path):
                os.unlink(path)
    size = os.path.getsize(target)
    tables = manifest["tables"]
    say("\nBackup of %s written to %s (%.1f MB)\n  %d tables checked (%d rows), "
        "%d filestore files, Odoo %s, addons %s"
        % (db, target, size / 1e6, len(tables),
           sum(t["rows"] for t in tables.values()),
           sum(1 for m in manifest["members"] if m.startswith(FILESTORE)),
           manifest["odoo_version"],
           ", ".join("%s %s" % (k, _addon_version(v))
                     for k, v in manifest["addons"].items())))
    say("Restore it with:  ./scripts/restore %s [--db NAME] [--force]" % target)
    print(target)


def _addon_version(facts):
    return facts["version"] if facts["state"] == "installed" else facts["state"]


def _backup_into(conn, cr, db, addons, filestore, dump, partial, stamp):
    # One snapshot for the dump and for everything the manifest says about the data.
    conn.rollback()
    conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
    cr.execute(SESSION)
    cr.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
    snapshot, server_version = cr.fetchone()
    step("Dumping database %s (pg_dump -Fc)" % db)
    result = subprocess.run(
        [env("PG_DUMP"), "-Fc", "--snapshot=%s" % snapshot, "-f", dump, db],
        stderr=subprocess.PIPE, universal_newlines=True)
    if result.returncode:
        raise Failure("pg_dump failed:\n%s" % result.stderr.strip())
    step("Counting and checksumming our tables")
    tables = {}
    for table in our_tables(cr, addons):
        rows, digest = table_facts(cr, table)
        tables[table] = {"rows": rows, "sha256": digest}
    referenced = stored_files(cr)
    cr.execute("SELECT name, state, latest_version FROM ir_module_module "
               "WHERE state = 'installed' ORDER BY name")
    modules = {name: version for name, _state, version in cr.fetchall()}
    cr.execute("SELECT name, state, latest_version FROM ir_module_module "
               "WHERE name IN %s ORDER BY name", (tuple(addons),))
    ours = {name: {"state": state, "version": version}
            for name, state, version in cr.fetchall()}
    cr.execute("SELECT datcollate, datctype FROM pg_database "
               "WHERE datname = current_database()")
    collate, ctype = cr.fetchone()
    conn.rollback()

    members = {}
    step("Writing the archive")
    with open(partial, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            members[DUMP] = _add_file(tar, dump, DUMP)
            if os.path.isdir(filestore):
                for folder, dirs, files in os.walk(filestore):
                    dirs.sort()
                    for name in sorted(files):
                        path = os.path.join(folder, name)
                        rel = os.path.relpath(path, filestore).replace(os.sep, "/")
                        if os.path.islink(path) or not os.path.isfile(path):
                            say("warning: skipped %s (not a regular file)" % path)
                            continue
                        try:
                            members[FILESTORE + rel] = _add_file(tar, path,
                                                                 FILESTORE + rel)
                        except FileNotFoundError:
                            say("warning: %s vanished while it was saved (Odoo's "
                                "cleanup of unused files)" % path)
            missing = [f for f in referenced if FILESTORE + f not in members]
            if missing:
                say("warning: %d attachment(s) of %s have no file in %s (already "
                    "missing before this backup), e.g. %s"
                    % (len(missing), db, filestore, missing[0]))
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "database": db,
                "created_at": stamp.isoformat() + "Z",
                "odoo_version": odoo_version(),
                "postgresql_version": server_version,
                "collate": collate,
                "ctype": ctype,
                "addons": ours,
                "modules": modules,
                "checksum_method": CHECKSUM_METHOD,
                "tables": tables,
                "attachments": {"stored": len(referenced),
                                "missing_at_backup": missing},
                "members": members,
            }
            body = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
            _add_bytes(tar, MANIFEST, body)
            _add_bytes(tar, MANIFEST_SUM, ("%s  %s\n" % (
                hashlib.sha256(body).hexdigest(), MANIFEST)).encode("ascii"))
        raw.flush()
        os.fsync(raw.fileno())
    return manifest


def _add_file(tar, path, arcname):
    """Add ``path`` reading it once; returns its size and sha256."""
    with open(path, "rb") as fh:
        info = tar.gettarinfo(arcname=arcname, fileobj=fh)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        sha = hashlib.sha256()

        class Reader(object):
            @staticmethod
            def read(size=-1):
                data = fh.read(size)
                sha.update(data)
                return data

        tar.addfile(info, Reader())
    return {"size": info.size, "sha256": sha.hexdigest()}


def _add_bytes(tar, arcname, data):
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = int(datetime.datetime.utcnow().timestamp())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


# --- restore -------------------------------------------------------------------------

def _member_path(name):
    """The safe relative path of an archive member, or a Failure."""
    parts = name.split("/")
    if name.startswith("/") or any(p in ("", ".", "..") for p in parts) or \
            (name not in (DUMP, MANIFEST, MANIFEST_SUM) and
             not (name.startswith(FILESTORE) and len(parts) > 1)):
        raise Failure("the archive has an unexpected member %r: not a CRM backup "
                      "(nothing was restored)" % name)
    return parts


def read_archive(path, into=None):
    """Read the whole archive and check every member against the manifest. With
    ``into`` (a folder), also write the members there. Returns the manifest."""
    found, manifest_body, manifest_sum = {}, None, None
    try:
        with tarfile.open(path, mode="r:") as tar:
            for info in tar:
                _member_path(info.name)
                if not info.isfile():
                    raise Failure("archive member %r is not a regular file: not a CRM "
                                  "backup (nothing was restored)" % info.name)
                if info.name in found:
                    raise Failure("archive member %r appears twice (nothing was "
                                  "restored)" % info.name)
                src = tar.extractfile(info)
                sha = hashlib.sha256()
                size = 0
                out = None
                if into and info.name not in (MANIFEST, MANIFEST_SUM):
                    dest = os.path.join(into, *info.name.split("/"))
                    os.makedirs(os.path.dirname(dest), exist_ok=True)
                    out = open(dest, "wb")
                keep = bytearray() if info.name in (MANIFEST, MANIFEST_SUM) else None
                try:
                    for block in iter(lambda: src.read(CHUNK), b""):
                        sha.update(block)
                        size += len(block)
                        if out:
                            out.write(block)
                        if keep is not None:
                            keep.extend(block)
                finally:
                    if out:
                        out.close()
                        os.utime(dest, (info.mtime, info.mtime))
                found[info.name] = {"size": size, "sha256": sha.hexdigest()}
                if info.name == MANIFEST:
                    manifest_body = bytes(keep)
                elif info.name == MANIFEST_SUM:
                    manifest_sum = bytes(keep)
    except FileNotFoundError:
        raise Failure("%s does not exist" % path)
    except (tarfile.TarError, EOFError, OSError) as exc:
        if isinstance(exc, OSError) and into:
            raise Failure("could not write the restored files: %s" % exc)
        raise Failure("%s is not a readable backup archive (damaged or truncated?): %s"
                      % (path, exc))
    if manifest_body is None or manifest_sum is None:
        raise Failure("%s has no %s: the archive is damaged or truncated, or was not "
                      "made by ./scripts/backup; nothing was restored"
                      % (path, MANIFEST if manifest_body is None else MANIFEST_SUM))
    expected = manifest_sum.decode("ascii", "replace").split()[:1]
    if expected != [hashlib.sha256(manifest_body).hexdigest()]:
        raise Failure("archive member %s does not match the checksum in %s (one of "
                      "the two is damaged or was changed); nothing was restored"
                      % (MANIFEST, MANIFEST_SUM))
    try:
        manifest = json.loads(manifest_body.decode("utf-8"))
    except ValueError as exc:
        raise Failure("%s is not valid JSON: %s" % (MANIFEST, exc))
    if manifest.get("format") != FORMAT or \
            manifest.get("format_version") != FORMAT_VERSION:
        raise Failure("%s is a backup in format %s version %s; this restore reads %s "
                      "version %d" % (path, manifest.get("format"),
                                      manifest.get("format_version"), FORMAT,
                                      FORMAT_VERSION))
    listed = manifest.get("members", {})
    for name in sorted(set(listed) | set(found) - {MANIFEST, MANIFEST_SUM}):
        if name not in found:
            raise Failure("archive member %r is listed in the manifest but missing "
                          "from the archive; nothing was restored" % name)
        if name not in listed:
            raise Failure("archive member %r is not listed in the manifest; nothing "
                          "was restored" % name)
        if found[name] != {"size": listed[name]["size"],
                           "sha256": listed[name]["sha256"]}:
            raise Failure("archive member %r does not match its checksum in the "
                          "manifest (sha256 %s expected, %s found): the archive is "
                          "damaged or was changed; nothing was restored"
                          % (name, listed[name]["sha256"], found[name]["sha256"]))
    return manifest


def parse_restore_args(args):
    usage = "usage: ./scripts/restore FILE [--db NAME] [--force]"
    archive, db, force = None, None, False
    args = list(args)
    while args:
        arg = args.pop(0)
        if arg == "--force":
            force = True
        elif arg == "--db" or arg.startswith("--db="):
            if arg.startswith("--db="):
                value = arg[5:]
            else:
                value = args.pop(0) if args else ""
            if not value:
                raise Failure("--db needs a database name\n" + usage)
            db = value
        elif arg.startswith("-"):
            raise Failure("unknown option %s\n%s" % (arg, usage))
        elif archive is None:
            archive = arg
        else:
            raise Failure("one archive at a time (got %s and %s)\n%s"
                          % (archive, arg, usage))
    if archive is None:
        raise Failure(usage)
    return os.path.abspath(archive), db, force


def restore(args):
    archive, db, force = parse_restore_args(args)
    data_dir = env("CRM_DATA_DIR")
    var = env("CRM_VAR")
    step("Checking every checksum in %s" % archive)
    manifest = read_archive(archive)
    db = db or os.environ.get("CRM_DB_EXPLICIT") or manifest["database"]
    if not DB_NAME.match(db):
        raise Failure("%r is not a valid database name (letters, digits, _ . -; at "
                      "most 63)" % db)
    store_root = os.path.join(data_dir, "filestore")
    final_store = os.path.join(store_root, db)
    exists = db_exists(db)
    if exists and not force:
        raise Failure("database %s already exists; nothing was changed. Restore into "
                      "another one with --db NAME, or add --force to replace it (its "
                      "current data and filestore are lost)" % db)
    if not exists and os.path.exists(final_store) and not force:
        raise Failure("there is no database %s but its filestore %s exists; nothing "
                      "was changed. Add --force to replace it, or restore with --db "
                      "NAME" % (db, final_store))
    if exists:
        refuse_if_in_use(db)
    tag = "%d" % os.getpid()
    tmp_db = "%s_restore_%s" % (db[:40], tag)
    old_db = "%s_replaced_%s" % (db[:40], tag)
    os.makedirs(store_root, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".restore-%s-" % db, dir=data_dir)
    created = False
    try:
        step("Extracting the archive")
        read_archive(archive, into=staging)
        staged_store = os.path.join(staging, "filestore")
        os.makedirs(staged_store, exist_ok=True)
        step("Restoring into a new database %s (pg_restore)" % tmp_db)
        admin("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' "
              "LC_COLLATE %%s LC_CTYPE %%s" % quote_ident(tmp_db),
              manifest.get("collate", "C"), manifest.get("ctype", "C"))
        created = True
        result = subprocess.run(
            [env("PG_RESTORE"), "--no-owner", "--no-acl", "--exit-on-error",
             "-d", tmp_db, os.path.join(staging, DUMP)],
            stderr=subprocess.PIPE, universal_newlines=True)
        if result.returncode:
            raise Failure("pg_restore failed:\n%s" % result.stderr.strip()[-3000:])
        counted = verify_database(tmp_db, manifest, staged_store)
        if root_owned():
            chown_like(staged_store, store_root)
        put_in_place(db, tmp_db, old_db, exists, staged_store, final_store,
                     os.path.join(staging, "replaced"))
        created = False
    finally:
        if created:
            admin("DROP DATABASE IF EXISTS %s" % quote_ident(tmp_db))
        shutil.rmtree(staging, ignore_errors=True)
    stamp = os.path.join(var, "%s.addons-stamp" % db)
    if os.path.exists(stamp):
        os.unlink(stamp)  # ./scripts/run updates the addons in it at its next start
    summary(archive, db, manifest, counted, exists)


def root_owned():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def chown_like(tree, reference):
    """As root, give the restored files the owner of the filestore folder (the user
    Odoo runs as)."""
    ref = os.stat(reference)
    for folder, _dirs, files in os.walk(tree):
        os.chown(folder, ref.st_uid, ref.st_gid)
        for name in files:
            os.chown(os.path.join(folder, name), ref.st_uid, ref.st_gid)


def verify_database(dbname, manifest, store):
    step("Checking row counts, table checksums and attachments in %s" % dbname)
    conn = connect(dbname)
    try:
        cr = conn.cursor()
        cr.execute(SESSION)
        cr.execute("SELECT table_name FROM information_schema.tables "
                   "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
        present = {name for (name,) in cr.fetchall()}
        rows = 0
        for table, facts in sorted(manifest["tables"].items()):
            if table not in present:
                raise Failure("table %s is missing from the restored database" % table)
            count, digest = table_facts(cr, table)
            if count != facts["rows"]:
                raise Failure("table %s has %d rows after the restore, the backup had "
                              "%d" % (table, count, facts["rows"]))
            if digest != facts["sha256"]:
                raise Failure("table %s has the right number of rows (%d) but not the "
                              "same content as in the backup" % (table, count))
            rows += count
        missing = [f for f in stored_files(cr)
                   if not os.path.isfile(os.path.join(store, *f.split("/")))]
        known = set(manifest["attachments"]["missing_at_backup"])
        new = [f for f in missing if f not in known]
        if new:
            raise Failure("%d attachment(s) have no file in the restored filestore, "
                          "e.g. %s" % (len(new), new[0]))
        if missing:
            say("warning: %d attachment(s) had no file already when the backup was "
                "made, e.g. %s" % (len(missing), missing[0]))
        cr.execute("SELECT count(*) FROM ir_attachment WHERE store_fname IS NOT NULL "
                   "AND store_fname <> ''")
        attachments = cr.fetchone()[0]
        conn.commit()
        conn.autocommit = True
        cr.execute("ANALYZE")  # pg_restore leaves the planner without statistics
    finally:
        conn.close()
    return {"tables": len(manifest["tables"]), "rows": rows,
            "attachments": attachments - len(missing), "missing": len(missing)}


def rename_db(old, new):
    admin("ALTER DATABASE %s RENAME TO %s" % (quote_ident(old), quote_ident(new)))


def put_in_place(db, tmp_db, old_db, exists, staged_store, final_store, replaced):
    """Swap the restored database and filestore in; on a failure, put back what was
    there."""
    done = []
    try:
        if exists:
            refuse_if_in_use(db)
            rename_db(db, old_db)
            done.append("db")
        if os.path.exists(final_store):
            os.rename(final_store, replaced)
            done.append("store")
        rename_db(tmp_db, db)
        done.append("new")
        os.rename(staged_store, final_store)
    except Exception:
        if "new" in done:
            rename_db(db, tmp_db)
        if "store" in done:
            os.rename(replaced, final_store)
        if "db" in done:
            rename_db(old_db, db)
        raise
    if exists:
        try:
            admin("DROP DATABASE %s" % quote_ident(old_db))
        except psycopg2.Error as exc:
            say("warning: the replaced database is kept as %s (could not drop it: %s)"
                % (old_db, str(exc).strip()))


def summary(archive, db, manifest, counted, replaced):
    members = manifest["members"]
    say("\nRestored %s into database %s%s"
        % (archive, db, " (replacing it)" if replaced else ""))
    say("  backup of %s made at %s, Odoo %s"
        % (manifest["database"], manifest["created_at"], manifest["odoo_version"]))
    say("  verified: %d archive members, %d tables (%d rows) identical to the backup, "
        "%d filestore files, %d attachments resolve to their file"
        % (len(members) + 2, counted["tables"], counted["rows"],
           sum(1 for m in members if m.startswith(FILESTORE)), counted["attachments"]))
    now = source_versions(env("CRM_ROOT"), sorted(manifest["addons"]))
    older = ["%s %s (source %s)" % (k, v["version"], now[k])
             for k, v in sorted(manifest["addons"].items())
             if k in now and v.get("version") and v["version"] != now[k]]
    if older:
        say("  addons in the backup differ from the source: %s" % ", ".join(older))
    prefix = "" if db == "crm" else "CRM_DB=%s " % db
    say("  serve it with:  %s./scripts/run" % prefix)


def _interrupted(_signum, _frame):
    raise KeyboardInterrupt


def main(argv):
    commands = {"backup": backup, "restore": restore}
    signal.signal(signal.SIGTERM, _interrupted)
    if len(argv) < 2 or argv[1] not in commands:
        say("usage: backup.py backup [FILE] | restore FILE [--db NAME] [--force]")
        return 2
    try:
        commands[argv[1]](argv[2:])
    except Failure as exc:
        say("error: %s" % exc)
        return 1
    except psycopg2.Error as exc:
        say("error: PostgreSQL refused: %s" % str(exc).strip())
        return 1
    except KeyboardInterrupt:
        say("error: interrupted; nothing was left half-done")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
