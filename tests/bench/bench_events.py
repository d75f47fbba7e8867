"""Benchmark the telephony event API over real HTTP.

Run by ./scripts/bench on a fresh database: serves Odoo's WSGI application on a
free port of 127.0.0.1 (threaded, real commits, as in production), then a scripted
phone system posts ring → answer → hangup for CALLS calls from CLIENTS threads at
once (the callers' numbers matching customers, the extensions agents'), and
reports the events per second it sustained against a baseline measured in the
same run: as many plain JSON-RPC requests to /web/webclient/version_info from as
many threads. Then every event of 100 calls is posted twice at the same moment
from two threads: the recorded events must be exactly the distinct ones.

Usage: bench_events.py CONFIG DATABASE OUT_JSON [EVENTS]
"""
import json
import sys
import threading
import time
from datetime import datetime, timedelta

import odoo
import requests
from odoo import SUPERUSER_ID, api
from werkzeug.serving import WSGIRequestHandler, make_server

CLIENTS = 4
AGENTS = 20
TOKEN = "bench-events-token-0123456789abcdef"


class QuietHandler(WSGIRequestHandler):

    def log_request(self, *args, **kwargs):
        return None


def setup(registry):
    """A connection, AGENTS agents with an extension each, customers whose
    numbers the calls come from; committed."""
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True,
                                                 "lang": "en_US"})
        connection = env["crm.callcenter.connection"].create({
            "name": "Bench PBX", "token": TOKEN, "country_code": "CN",
            "timezone": "Asia/Shanghai", "after_call_seconds": 0})
        group = env.ref("crm_core.group_callcenter_agent")
        for index in range(AGENTS):
            user = env["res.users"].with_context(no_reset_password=True).create({
                "name": "Bench Agent %d" % index, "login": "bench_agent_%d" % index,
                "lang": "en_US", "groups_id": [(6, 0, group.ids)]})
            agent = env["crm.callcenter.agent"].create({"user_id": user.id})
            env["crm.callcenter.extension"].create({
                "number": str(5000 + index), "connection_id": connection.id,
                "agent_id": agent.id})
        for index in range(200):
            env["res.partner"].create({
                "name": "Bench Caller %d" % index, "customer": True,
                "mobile": "+86137%08d" % index})


def script(calls, prefix, start):
    """For each call: its events in order (ring, answer, hangup)."""
    scripts = []
    for index in range(calls):
        moment = start + timedelta(seconds=index)
        extension = str(5000 + index % AGENTS)
        common = {"call_id": "%s-%d" % (prefix, index), "direction": "inbound",
                  "from": "+86137%08d" % (index % 400), "to": "4008001234"}

        def at(seconds, moment=moment):
            return (moment + timedelta(seconds=seconds)).strftime(
                "%Y-%m-%dT%H:%M:%SZ")

        scripts.append([
            dict(common, event="ring", extension=extension, timestamp=at(0)),
            dict(common, event="answer", extension=extension, timestamp=at(6)),
            dict(common, event="hangup", timestamp=at(66)),
        ])
    return scripts


def run_clients(work, clients):
    """Run ``work(session, index)`` for every index, spread over ``clients``
    threads; returns (seconds, statuses)."""
    queue = list(range(len(work.items)))
    lock = threading.Lock()
    statuses = {}

    def client():
        session = requests.Session()
        while True:
            with lock:
                if not queue:
                    return
                index = queue.pop(0)
            for status in work(session, index):
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, statuses


class Calls(object):
    """One item: the events of one call, posted in order."""

    def __init__(self, base, items):
        self.url = base + "/crm_callcenter/event"
        self.items = items

    def __call__(self, session, index):
        return [session.post(self.url, json=event, timeout=120, headers={
            "Authorization": "Bearer " + TOKEN}).status_code
            for event in self.items[index]]


class VersionInfo(object):
    """One item: as many plain JSON-RPC requests as a call has events."""

    def __init__(self, base, count):
        self.url = base + "/web/webclient/version_info"
        self.items = range(count)

    def __call__(self, session, index):
        return [session.post(self.url, timeout=120, json={
            "jsonrpc": "2.0", "method": "call", "params": {}, "id": index})
            .status_code for _event in range(3)]


def duplicates(base, registry):
    """Every event of 100 calls posted twice at the same moment, from two
    threads: (events sent, distinct events, events recorded, statuses)."""
    calls = script(100, "bench-dup", datetime.utcnow() - timedelta(hours=3))
    events = [event for call in calls for event in call]
    barrier = threading.Barrier(2)
    statuses = {}
    lock = threading.Lock()

    def twin():
        session = requests.Session()
        for event in events:
            barrier.wait(60)
            status = session.post(base + "/crm_callcenter/event", json=event,
                                  timeout=120, headers={
                                      "Authorization": "Bearer " + TOKEN}).status_code
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=twin) for _i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with api.Environment.manage(), registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM crm_callcenter_event "
                   "WHERE pbx_call_id LIKE %s", ("bench-dup-%",))
        recorded = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM crm_callcenter_call "
                   "WHERE pbx_call_id LIKE %s AND disposition = 'answered' "
                   "AND talk_seconds = 60 AND wait_seconds = 6", ("bench-dup-%",))
        answered = cr.fetchone()[0]
    return 2 * len(events), len(events), recorded, answered, statuses


def run(config, database, out, events):
    odoo.tools.config.parse_config(["-c", config, "-d", database])
    registry = odoo.registry(database)
    setup(registry)
    server = make_server("127.0.0.1", 0, odoo.service.wsgi_server.application,
                         threaded=True, request_handler=QuietHandler)
    base = "http://127.0.0.1:%d" % server.port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    calls = max(events // 3, 1)
    try:
        # warm up: the registry, the routing map, the connections' cache
        run_clients(Calls(base, script(20, "bench-warm", datetime.utcnow()
                                       - timedelta(hours=5))), CLIENTS)
        run_clients(VersionInfo(base, 20), CLIENTS)
        work = Calls(base, script(calls, "bench", datetime.utcnow()
                                  - timedelta(hours=4)))
        event_s, event_statuses = run_clients(work, CLIENTS)
        base_s, base_statuses = run_clients(VersionInfo(base, calls), CLIENTS)
        sent, distinct, recorded, answered, dup_statuses = duplicates(base, registry)
    finally:
        server.shutdown()
    posted = 3 * calls
    result = {
        "events": posted,
        "clients": CLIENTS,
        "events_per_s": round(posted / event_s, 1),
        "event_statuses": event_statuses,
        "baseline": "as many JSON-RPC /web/webclient/version_info requests "
                    "from as many threads",
        "baseline_per_s": round(posted / base_s, 1),
        "baseline_statuses": base_statuses,
        "ratio": round(event_s / base_s, 2),
        "duplicates": {"sent": sent, "distinct": distinct, "recorded": recorded,
                       "calls_answered_right": answered, "statuses": dup_statuses},
    }
    with open(out, "w") as handle:
        json.dump(result, handle, indent=2)
    print("%-58s %10s %12s %7s" % ("benchmark", "per s", "baseline/s", "ratio"))
    print("%-58s %10.1f %12.1f %7.2f" % (
        "telephony events over HTTP (%d events, %d clients)" % (posted, CLIENTS),
        result["events_per_s"], result["baseline_per_s"], result["ratio"]))
    print("statuses: events %s, baseline %s" % (event_statuses, base_statuses))
    print("concurrent duplicates: %d posts of %d distinct events -> %d recorded, "
          "%d/100 calls answered with the right wait and talk; statuses %s"
          % (sent, distinct, recorded, answered, dup_statuses))
    print("baseline: %s" % result["baseline"])
    print("written to %s" % out)
    ok = (event_statuses == {200: posted} and recorded == distinct
          and answered == 100 and set(dup_statuses) == {200})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], sys.argv[2], sys.argv[3],
                 int(sys.argv[4]) if len(sys.argv) > 4 else 3000))
