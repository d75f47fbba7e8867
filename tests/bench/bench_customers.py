"""Benchmark the customer pool and data scopes at scale.

Run by ./scripts/bench on a fresh database: generates N customers (default 100,000)
spread over 10 reps and a pool, then times what reps and the daily job do, each
against a baseline measured in the same run (the same query without record rules,
or raw SQL), and reports the ratio. Times drift between runs; ratios are the result.

Usage: bench_customers.py CONFIG DATABASE OUT_JSON [CUSTOMERS]
"""
import base64
import json
import statistics
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

REPS = 10


def timed(func, repeat=5):
    """Median wall time of ``func`` in milliseconds."""
    samples = []
    for _i in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(samples)


def generate(env, count):
    """Customers by set-based SQL (the ORM would take hours): 1/3 in the pool, the
    rest owned by the reps, some with an old follow-up."""
    cr = env.cr
    team = env["crm.team"].create({"name": "Bench Team"})
    group_ids = [env.ref("base.group_user").id,
                 env.ref("sales_team.group_sale_salesman").id]
    reps = env["res.users"]
    for index in range(REPS):
        reps |= env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bench Rep %d" % index, "login": "bench_rep_%d" % index,
            "lang": "en_US", "sale_team_id": team.id,
            "groups_id": [(6, 0, group_ids)]})
    pool = env["crm.pool"].create({
        "name": "Bench Pool", "team_ids": [(6, 0, team.ids)], "max_owned": 0,
        "recycle_no_followup_days": 30, "recycle_warn_days": 0})
    rep_ids = reps.ids
    start = time.perf_counter()
    cr.execute("""
        INSERT INTO res_partner (name, display_name, customer, is_company, active,
            type, company_id, lang, user_id, team_id, pool_id, pool_state,
            customer_code, phone, phone_sanitized, name_key, date_owned, date_pooled,
            last_followup_date, lifecycle_state, create_uid, write_uid, create_date,
            write_date, invoice_warn, sale_warn, scope_user_id, scope_team_id,
            scope_pool_state)
        SELECT 'Bench Customer ' || g, 'Bench Customer ' || g, TRUE, TRUE, TRUE,
               'contact', %(company)s, 'en_US',
               CASE WHEN g %% 3 = 0 THEN NULL
                    ELSE (%(reps)s::int[])[1 + g %% %(n)s] END,
               CASE WHEN g %% 3 = 0 THEN NULL ELSE %(team)s END,
               %(pool)s, CASE WHEN g %% 3 = 0 THEN 'pool' ELSE 'owned' END,
               'B' || lpad(g::text, 8, '0'),
               '+86138' || lpad(g::text, 8, '0'), '+86138' || lpad(g::text, 8, '0'),
               'bench customer ' || g,
               CASE WHEN g %% 3 = 0 THEN NULL
                    ELSE now() at time zone 'UTC' - interval '90 days' END,
               CASE WHEN g %% 3 = 0 THEN now() at time zone 'UTC' END,
               now() at time zone 'UTC' - (g %% 60) * interval '1 day',
               'prospect', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC',
               'no-message', 'no-message',
               CASE WHEN g %% 3 = 0 THEN NULL
                    ELSE (%(reps)s::int[])[1 + g %% %(n)s] END,
               CASE WHEN g %% 3 = 0 THEN NULL ELSE %(team)s END,
               CASE WHEN g %% 3 = 0 THEN 'pool' ELSE 'owned' END
          FROM generate_series(1, %(count)s) AS g
    """, {"company": env.user.company_id.id, "reps": rep_ids, "n": REPS,
          "team": team.id, "pool": pool.id, "count": count})
    cr.execute("UPDATE res_partner SET commercial_partner_id = id "
               "WHERE commercial_partner_id IS NULL")
    insert_ms = (time.perf_counter() - start) * 1000.0
    # Baseline: the same rows into a bare table of the same columns (no indexes,
    # no constraints).
    cr.execute("CREATE TEMP TABLE bench_copy AS SELECT * FROM res_partner WITH NO DATA")
    start = time.perf_counter()
    cr.execute("""
        INSERT INTO bench_copy (id, name, display_name, customer, is_company, active,
                                type, phone)
        SELECT g, 'Bench Customer ' || g, 'Bench Customer ' || g, TRUE, TRUE, TRUE,
               'contact', '+86138' || lpad(g::text, 8, '0')
          FROM generate_series(1, %s) AS g
    """, (count,))
    copy_ms = (time.perf_counter() - start) * 1000.0
    cr.execute("ANALYZE res_partner")
    env["res.partner"].invalidate_cache()
    return reps, pool, insert_ms, copy_ms


def scoped_managers(env, reps):
    """A leader of the reps' team, and a department head over half of the reps
    (their department sits below the head's)."""
    team = reps[0].sale_team_id
    leader = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench Leader", "login": "bench_leader", "lang": "en_US",
        "groups_id": [(6, 0, [env.ref("base.group_user").id,
                              env.ref("crm_core.group_sale_team_leader").id])]})
    team.user_id = leader
    head = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench Head", "login": "bench_head", "lang": "en_US",
        "groups_id": [(6, 0, [env.ref("base.group_user").id,
                              env.ref("crm_core.group_sale_department_head").id])]})
    region = env["hr.department"].create({"name": "Bench Region"})
    below = env["hr.department"].create({"name": "Bench Group",
                                         "parent_id": region.id})
    env["hr.employee"].create({"name": "Bench Head", "user_id": head.id,
                               "department_id": region.id})
    for rep in reps[:len(reps) // 2]:
        env["hr.employee"].create({"name": rep.name, "user_id": rep.id,
                                   "department_id": below.id})
    return leader, head


def import_rows(env, rep, add, count=10000):
    """A rep imports a CSV of ``count`` new customers with contacts: the check (dry
    run) and the background write, against inserting as many bare rows."""
    lines = ["客户名称,联系人,手机,邮箱,城市"]
    for index in range(count):
        lines.append("导入基准%06d有限公司,联系人%d,139%08d,bench%d@import.cn,上海"
                     % (index, index, index, index))
    data = base64.b64encode("\n".join(lines).encode("utf-8-sig"))
    job = env["crm.import.job"].sudo(rep).create(
        {"file": data, "filename": "bench.csv", "chunk_size": 500})
    start = time.perf_counter()
    job.action_check()
    check_ms = (time.perf_counter() - start) * 1000.0
    job.action_start()
    start = time.perf_counter()
    while env["crm.import.job"]._run_chunk_in(job.id):
        pass
    write_ms = (time.perf_counter() - start) * 1000.0
    job = job.sudo()
    assert job.state == "done" and job.rows_done == count, (job.state, job.message)
    env.cr.execute("CREATE TEMP TABLE bench_import AS SELECT * FROM res_partner "
                   "WITH NO DATA")
    start = time.perf_counter()
    env.cr.execute("""
        INSERT INTO bench_import (id, name, display_name, customer, is_company, mobile)
        SELECT g, 'x' || g, 'x' || g, TRUE, TRUE, '139' || g
          FROM generate_series(1, %s) AS g
    """, (2 * count,))
    bare_ms = (time.perf_counter() - start) * 1000.0
    add("import: check %d rows (read, validate, find duplicates)" % count, check_ms,
        bare_ms, "inserting 2x as many bare rows")
    add("import: write %d customers + contacts (%d rows/s)"
        % (count, count / (write_ms / 1000.0)), write_ms, bare_ms,
        "inserting 2x as many bare rows")


def run(config, database, out, count):
    odoo.tools.config.parse_config(["-c", config, "-d", database])
    registry = odoo.registry(database)
    results = []

    def add(name, value_ms, baseline_ms, baseline):
        results.append({"name": name, "ms": round(value_ms, 2),
                        "baseline_ms": round(baseline_ms, 2), "baseline": baseline,
                        "ratio": round(value_ms / baseline_ms, 2)
                        if baseline_ms else None})

    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True,
                                                 "lang": "en_US"})
        reps, pool, insert_ms, copy_ms = generate(env, count)
        add("generate %d customers (SQL)" % count, insert_ms, copy_ms,
            "the same rows into a bare table (no indexes)")
        rep = reps[0]
        Partner = env["res.partner"]
        as_rep = Partner.sudo(rep)
        as_admin = Partner.sudo()
        scope = [("customer", "=", True), ("parent_id", "=", False)]
        mine = scope + [("user_id", "=", rep.id)]
        in_pool = scope + [("pool_state", "=", "pool")]

        def page(model, domain):
            def call():
                model.search(domain, limit=80)
                model.search_count(domain)
                model.invalidate_cache()
            return call

        add("rep: My Customers, first page + count", timed(page(as_rep, mine)),
            timed(page(as_admin, mine)), "the same search without record rules")
        add("rep: Customer Pool, first page + count", timed(page(as_rep, in_pool)),
            timed(page(as_admin, in_pool)), "the same search without record rules")
        add("rep: All Customers, first page + count", timed(page(as_rep, scope)),
            timed(page(as_admin, scope)), "the same search without record rules")
        leader, head = scoped_managers(env, reps)
        add("team leader: All Customers, first page + count (team scope)",
            timed(page(Partner.sudo(leader), scope)), timed(page(as_admin, scope)),
            "the same search without record rules")
        add("department head: All Customers, first page + count (department scope)",
            timed(page(Partner.sudo(head), scope)), timed(page(as_admin, scope)),
            "the same search without record rules")
        phone = "+8613800000042"
        add("caller lookup by E.164 phone",
            timed(lambda: Partner._find_by_keys({("phone", phone)})),
            timed(lambda: cr.execute(
                "SELECT id FROM res_partner WHERE phone_sanitized = %s", (phone,))),
            "the bare indexed SQL lookup")
        add("recycle: find candidates in the pool",
            timed(lambda: pool._recycle_candidates(), repeat=3),
            timed(lambda: cr.execute(
                "SELECT id FROM res_partner WHERE pool_id = %s "
                "AND pool_state = 'owned'", (pool.id,)), repeat=3),
            "SQL listing the pool's owned customers")
        waiting = as_admin.search(in_pool, limit=10)
        claims = iter(waiting)

        def claim():
            with cr.savepoint():
                next(claims).sudo(rep).action_pool_claim()

        other = iter(waiting)

        def plain_write():
            with cr.savepoint():
                next(other).write({"user_id": rep.id})

        add("rep: claim one customer (locks, rules, log)", timed(claim),
            timed(plain_write), "an ORM write of the owner as superuser")
        import_rows(env, rep, add)
        cr.rollback()

    with open(out, "w") as handle:
        json.dump({"customers": count, "results": results}, handle, indent=2)
    width = max(len(r["name"]) for r in results)
    print("%-*s %10s %12s %7s" % (width, "benchmark", "ms", "baseline ms", "ratio"))
    for row in results:
        print("%-*s %10.1f %12.1f %7s" % (width, row["name"], row["ms"],
                                          row["baseline_ms"], row["ratio"]))
    print("baselines: " + "; ".join(sorted({r["baseline"] for r in results})))
    print("written to %s" % out)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2], sys.argv[3],
        int(sys.argv[4]) if len(sys.argv) > 4 else 100000)
