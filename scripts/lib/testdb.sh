# Throw-away databases for scripts/test and scripts/bench: a template with Odoo's
# modules and demo data, built once per set of dependencies, copied and given our
# addons. Source after common.sh and bootstrap.

odoo_deps() {
    "$VENV/bin/python" - "$ROOT/addons" <<'PY'
import ast, os, sys
root = sys.argv[1]
ours = {d for d in os.listdir(root) if os.path.exists(os.path.join(root, d, "__manifest__.py"))}
deps = set()
for addon in ours:
    with open(os.path.join(root, addon, "__manifest__.py")) as fh:
        deps.update(ast.literal_eval(fh.read()).get("depends", []))
print(",".join(sorted(deps - ours)))
PY
}

# ensure_template: sets TPL (the template's name) and CONF (an odoo.conf for it).
ensure_template() {
    local deps
    deps=$(odoo_deps)
    TPL="crm_test_tpl_$( (echo "$deps $CRM_LANGS"; requirements_stamp) | sha256sum | cut -c1-10)"
    CONF="$VAR/odoo-test.conf"
    CRM_PORT="${CRM_TEST_PORT:-8169}"
    write_odoo_conf "$CONF" "list_db = True" "log_level = warn" "crm_demo_credentials = True"
    if [ "$(psql -d postgres -tAc "select shobj_description(oid, 'pg_database') from pg_database where datname = '$TPL'")" != ready ]; then
        step "Building the template database $TPL with Odoo's modules and demo data (once; a few minutes)"
        for old in $(psql -d postgres -tAc "select datname from pg_database where datname like 'crm_test_tpl_%'"); do
            dropdb "$old" && rm -rf "$VAR/data/filestore/$old"
        done
        createdb -T template0 -E UTF8 "$TPL"
        odoo_cmd -c "$CONF" -d "$TPL" -i "$deps" --load-language="$CRM_LANGS" --stop-after-init \
            --logfile="$LOG_DIR/test-template.log" --log-level=info ||
            { dropdb "$TPL"; die "building the template failed; see var/log/test-template.log"; }
        settle_modules "$TPL"
        psql -d postgres -qc "COMMENT ON DATABASE $TPL IS 'ready'"
    fi
}

# new_db_with_addons DB: a copy of the template with our addons freshly installed.
new_db_with_addons() {
    local db=$1 log="$LOG_DIR/test-install-$1.log" bad
    createdb -T "$TPL" "$db"
    if [ -d "$VAR/data/filestore/$TPL" ]; then
        mkdir -p "$VAR/data/filestore"
        cp -a "$VAR/data/filestore/$TPL" "$VAR/data/filestore/$db"
    fi
    step "Installing $CRM_ADDONS on the fresh database $db"
    : >"$log"  # Odoo appends; judge this install only
    odoo_cmd -c "$CONF" -d "$db" -i "$CRM_ADDONS" --stop-after-init --logfile="$log" \
        --log-level=info || die "installing our addons failed; see $log:
$(grep -E ' (ERROR|CRITICAL) ' "$log" | tail -n 20)"
    # The wheels ship addon folders whose dependencies are absent ("Unmet
    # dependencies"): not our error. Anything else logged as an error or warning is.
    if bad=$(grep -E ' (ERROR|CRITICAL|WARNING) ' "$log" |
        grep -vE 'odoo.modules.graph: module [a-z_0-9]+: Unmet dependencies|module test_exceptions: module not found|YAMLLoadWarning|Running as user .root.'); then
        die "installing our addons logged problems ($log):
$bad"
    fi
    settle_modules "$db"
    rm -f "$log"
}

drop_db() {
    dropdb --if-exists "$1" >/dev/null 2>&1 || true
    rm -rf "$VAR/data/filestore/$1"
}
