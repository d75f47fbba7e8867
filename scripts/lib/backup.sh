# Shared by scripts/backup and scripts/restore: the venv, PostgreSQL (local cluster
# or PG* variables, as scripts/run), pg_dump/pg_restore and the data_dir. Source
# after common.sh.

ensure_venv
ensure_postgres

# The client programs of the local cluster's version; else the ones on PATH (an
# external server: they must be at least its version).
pg_tool() {
    if [ -x "$PG_BIN/$1" ]; then
        echo "$PG_BIN/$1"
    elif command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
    else
        die "$1 not found (in $PG_BIN or on PATH): sudo apt-get install postgresql-client-15"
    fi
}

# The data_dir of CRM_CONF (default var/odoo.conf, which scripts/run writes); the
# filestore of database D is DATA_DIR/filestore/D.
CRM_CONF="${CRM_CONF:-$VAR/odoo.conf}"
data_dir() {
    local dir=""
    if [ -f "$CRM_CONF" ]; then
        dir=$(sed -nE 's/^[[:space:]]*data_dir[[:space:]]*=[[:space:]]*(.*[^[:space:]])[[:space:]]*$/\1/p' \
            "$CRM_CONF" | tail -n 1)
    elif [ "$CRM_CONF" != "$VAR/odoo.conf" ]; then
        die "CRM_CONF=$CRM_CONF does not exist"
    fi
    echo "${dir:-$VAR/data}"
}

run_backup_py() {
    CRM_ROOT="$ROOT" CRM_VAR="$VAR" CRM_DATA_DIR="$(data_dir)" CRM_ADDONS="$CRM_ADDONS" \
        CRM_DB="$CRM_DB" PG_DUMP="$(pg_tool pg_dump)" PG_RESTORE="$(pg_tool pg_restore)" \
        exec "$VENV/bin/python" "$ROOT/scripts/lib/backup.py" "$@"
}
