"""A crash of the server (SIGKILL: no shutdown, no rollback by Odoo, connections cut
mid-request) against a real server (tests/live_server.py), in the three places
where it would hurt most:

- a customer import and a CDR import, each killed twice: first while a chunk is
  written (the test holds a SHARE lock on the job's table once two chunks are in,
  so the next chunk writes all its rows and then waits at the UPDATE of the job's
  position; the server is killed there), then, on a new server, wherever the runner
  is two chunks later. After each kill the database holds exactly the committed
  chunks' rows (the position and the rows agree: nothing of the interrupted
  chunk), and a third server's runner finishes the job with exactly one record
  per row;
- a burst of telephony events from several PBX threads, killed mid-burst: every
  event that was answered 200 is recorded once, nothing half-written (no event
  without its call, no call without an event, no call whose state disagrees with
  its events), and the PBX's resend of everything to a new server ends with one
  record per event and every call in its final state.

One server runs at a time; each kill is followed by a new one on the same
database, which the next step (or the cleanup) uses. Where each kill landed is
written to var/log/test-crash.json."""
import base64
import json
import threading
import time
import unittest
import xmlrpc.client
from datetime import datetime, timedelta

import psycopg2
import requests

from .live_server import LOG_DIR, LiveFixtures, LiveServer

PASSWORD = "Crash-Test-Pass-61"
TOKEN = "crash-test-token-cccccccccccccccccccc"
CUSTOMERS = 3000
CDR_ROWS = 3000
CDR_BAD_EVERY = 250  # every 250th CDR line cannot be read: 12 error rows
CHUNK = 200
KILL_AFTER = 2 * CHUNK  # rows committed before the test stops the next chunk
EVENT_THREADS = 4
CALLS_PER_THREAD = 12
EVENT_KILL_AFTER = 50  # acknowledged events before the kill
WAIT = 90
# yesterday 02:00 UTC: in the past, as the event API requires
T0 = datetime.utcnow().replace(hour=2, minute=0, second=0, microsecond=0) \
    - timedelta(days=1)


def wait_for(condition, what, timeout=WAIT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting for %s" % what)


def csv_b64(lines):
    return base64.b64encode("\n".join(lines).encode("utf-8-sig")).decode()


class TestCrash(LiveFixtures, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.servers = 0
        cls.server = None
        cls.created = []
        cls.report = {}
        cls.start_server()
        try:
            cls._fixtures()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.live()
            # the imports' and the events' rows, written by SQL, go the same way
            # (through the ORM they would go to the recycle bin)
            cls.sql("DELETE FROM res_partner WHERE name LIKE %s", ("Crash Import %",))
            if getattr(cls, "connection", None):
                cls.sql("""
                    DELETE FROM crm_callcenter_agent_status_log WHERE call_id IN (
                        SELECT id FROM crm_callcenter_call WHERE connection_id = %(c)s);
                    DELETE FROM crm_callcenter_event WHERE connection_id = %(c)s;
                    DELETE FROM crm_callcenter_call WHERE connection_id = %(c)s;
                """, {"c": cls.connection})
            cls.remove_fixtures()
        finally:
            if cls.server:
                cls.server.__exit__(None, None, None)
            (LOG_DIR / "test-crash.json").write_text(
                json.dumps(cls.report, indent=2, sort_keys=True))

    # --- servers, clients, SQL ----------------------------------------------------

    @classmethod
    def start_server(cls):
        cls.servers += 1
        cls.server = LiveServer("crash-%d" % cls.servers).__enter__()
        return cls.server

    @classmethod
    def live(cls):
        """The running server; a new one if the last was killed."""
        if cls.server.process.poll() is not None:
            cls.server.__exit__(None, None, None)
            cls.start_server()
        return cls.server

    @classmethod
    def connect(cls):
        conn = psycopg2.connect(dbname=cls.server.db)
        conn.autocommit = True
        return Closing(conn)

    @classmethod
    def as_user(cls, user, model, method, args, kwargs=None):
        uid = cls.server.login(user, PASSWORD)
        return cls.server.xmlrpc(uid, PASSWORD, model, method, args, kwargs)

    @classmethod
    def _fixtures(cls):
        ref = cls.ref

        def user(login, groups):
            return cls.make("res.users", {
                "name": login.replace("_", " ").title(), "login": login,
                "password": PASSWORD, "lang": "en_US",
                "email": "%s@example.com" % login,
                "groups_id": [(6, 0, [ref("base.group_user")] + [
                    ref(group) for group in groups])]}, {"no_reset_password": True})
        user("crash_manager", ["sales_team.group_sale_manager"])
        user("crash_supervisor", ["crm_core.group_callcenter_supervisor"])
        cls.connection = cls.make("crm.callcenter.connection", {
            "name": "Crash Test PBX", "token": TOKEN, "timezone": "Asia/Shanghai",
            "country_code": "CN"})
        for index in range(1, EVENT_THREADS + 1):
            agent = cls.make("crm.callcenter.agent", {"user_id": user(
                "crash_agent%d" % index, ["crm_core.group_callcenter_agent"])})
            cls.make("crm.callcenter.extension", {
                "number": "610%d" % index, "connection_id": cls.connection,
                "agent_id": agent})

    # --- the kills of a running import --------------------------------------

    def kill_import(self, table, job_id, cron_xmlid, after, locked):
        """Run the import's cron over XML-RPC in a thread and SIGKILL the server
        once ``after`` rows are committed: ``locked``, at the last statement of
        the next chunk (the test locks ``table`` so that the chunk, its rows
        written, waits to UPDATE the job's position: the kill lands there);
        otherwise at once, wherever the runner is. Returns the job's (rows_done,
        next_index, state) after the kill, and notes them in the report."""
        server = self.live()
        cron = self.admin("ir.model.data", "xmlid_to_res_id", [cron_xmlid])
        runner = threading.Thread(target=swallow, daemon=True, args=(
            lambda: self.admin("ir.cron", "method_direct_trigger", [[cron]]),))
        with self.connect() as watch, Closing(
                psycopg2.connect(dbname=server.db)) as locker:
            cursor = watch.cursor()

            def done():
                cursor.execute("SELECT rows_done FROM %s WHERE id = %%s" % table,
                               (job_id,))
                return cursor.fetchone()[0]
            runner.start()
            wait_for(lambda: done() >= after, "%d rows in" % after)
            if locked:
                locker.cursor().execute("LOCK TABLE %s IN SHARE MODE" % table)
                waiting = wait_for(lambda: self.waiting_query(cursor, server),
                                   "the next chunk to wait for the lock")
                self.assertRegex(waiting, r'^\s*UPDATE "%s"' % table,
                                 "the chunk waits at the job's position, its "
                                 "rows written")
            seen = done()
            server.kill()
            locker.rollback()
        runner.join(30)
        self.kill_finished()
        after_kill = self.sql(
            "SELECT rows_done, next_index, state FROM %s WHERE id = %%s" % table,
            (job_id,))[0]
        self.report.setdefault(table, []).append({
            "kill": "chunk written, before its position" if locked else "anywhere",
            "rows_committed_seen": seen, "rows_done_after": after_kill[0]})
        if locked:
            self.assertEqual(after_kill[0], seen, "the interrupted chunk left "
                                                  "its position")
        return after_kill

    def kill_finished(self):
        """Wait until PostgreSQL has ended the killed server's sessions (one that
        was waiting for a lock runs its statement first, then finds its client
        gone and rolls back)."""
        with self.connect() as conn:
            wait_for(lambda: self.server.backends(conn.cursor()) == 0,
                     "the killed server's sessions to end", 30)

    @staticmethod
    def waiting_query(cursor, server):
        cursor.execute("""
            SELECT a.query FROM pg_stat_activity a
             WHERE a.application_name = %s AND a.wait_event_type = 'Lock'
        """, (server.appname,))
        row = cursor.fetchone()
        return row and row[0]

    def run_to_end(self, cron_xmlid, table, job_id):
        """Run the job's cron on a new server until the job is done."""
        self.live()
        cron = self.admin("ir.model.data", "xmlid_to_res_id", [cron_xmlid])
        for _attempt in range(5):
            self.admin("ir.cron", "method_direct_trigger", [[cron]])
            state = self.sql("SELECT state FROM %s WHERE id = %%s" % table,
                             (job_id,))[0][0]
            if state != "running" and state != "queued":
                return state
        return state

    # --- 1. customer import -------------------------------------------------------

    def customer_counts(self):
        """(companies, distinct company names, contacts, contacts per company > 1,
        distinct customer codes) of the import."""
        return self.sql("""
            SELECT count(*), count(DISTINCT c.name),
                   (SELECT count(*) FROM res_partner p
                     WHERE p.parent_id IN (SELECT id FROM res_partner
                                            WHERE name LIKE 'Crash Import %%Co')),
                   (SELECT count(*) FROM (SELECT parent_id FROM res_partner
                     WHERE name LIKE 'Crash Import Contact %%'
                     GROUP BY parent_id HAVING count(*) > 1) d),
                   count(DISTINCT c.customer_code)
              FROM res_partner c WHERE c.name LIKE 'Crash Import %%Co'
        """)[0]

    def test_customer_import_killed_mid_chunk_resumes_exactly(self):
        self.live()
        lines = ["客户名称,联系人,手机,邮箱"] + [
            "Crash Import %05d Co,Crash Import Contact %05d,139 0777 %04d,"
            "crash%05d@import.example.com" % (n, n, n, n) for n in range(CUSTOMERS)]
        job = self.as_user("crash_manager", "crm.import.job", "create", [{
            "file": csv_b64(lines), "filename": "crash.csv", "chunk_size": CHUNK}])
        self.created.append(("crm.import.job", job))
        self.as_user("crash_manager", "crm.import.job", "action_check", [[job]])
        checked = self.as_user("crash_manager", "crm.import.job", "read", [[job], [
            "rows_to_create", "rows_error", "rows_to_skip"]])[0]
        self.assertEqual((checked["rows_to_create"], checked["rows_error"],
                          checked["rows_to_skip"]), (CUSTOMERS, 0, 0))
        self.as_user("crash_manager", "crm.import.job", "action_start", [[job]])
        # the worst moment: a whole chunk written, not committed; then anywhere
        done = 0
        for locked in (True, False):
            done, position, state = self.kill_import(
                "crm_import_job", job, "crm_core.ir_cron_import_run",
                done + KILL_AFTER, locked)
            # the interrupted chunk left nothing; the committed ones all
            self.assertEqual(state, "running")
            self.assertEqual(position, done)
            self.assertEqual(done % CHUNK, 0)
            self.assertLess(done, CUSTOMERS)
            self.assertEqual(self.customer_counts(), (done, done, done, 0, done))

        self.assertEqual(self.run_to_end("crm_core.ir_cron_import_run",
                                         "crm_import_job", job), "done")
        self.assertEqual(self.sql(
            "SELECT rows_done, next_index FROM crm_import_job WHERE id = %s",
            (job,))[0], (CUSTOMERS, CUSTOMERS))
        self.assertEqual(self.customer_counts(),
                         (CUSTOMERS, CUSTOMERS, CUSTOMERS, 0, CUSTOMERS))

    # --- 2. CDR import ------------------------------------------------------------

    def cdr_counts(self, job):
        return self.sql("""
            SELECT c.count, c.distinct_ids,
                   (SELECT count(*) FROM crm_callcenter_cdr_import_error
                     WHERE import_id = %(job)s),
                   j.rows_done, j.next_index, j.rows_created, j.rows_error,
                   j.rows_skipped, j.rows_updated, j.state
              FROM crm_callcenter_cdr_import j,
                   (SELECT count(*), count(DISTINCT pbx_call_id) AS distinct_ids
                      FROM crm_callcenter_call WHERE connection_id = %(conn)s
                       AND pbx_call_id LIKE 'crash-cdr-%%') c
             WHERE j.id = %(job)s
        """, {"conn": self.connection, "job": job})[0]

    def test_cdr_import_killed_mid_chunk_resumes_exactly(self):
        self.live()
        lines = []
        for n in range(1, CDR_ROWS + 1):
            start = T0 + timedelta(seconds=20 * n)
            times = [(start + timedelta(seconds=s)).strftime("%Y-%m-%d %H:%M:%S")
                     for s in (0, 10, 70)]
            status = "HUNG UP" if n % CDR_BAD_EVERY == 0 else "ANSWERED"
            lines.append(
                '"","1380777%04d","4008001234","from-pstn","",'
                '"SIP/trunk-%05d","SIP/610%d-%05d","Queue","sales,t,,,300",'
                '"%s","%s","%s",70,60,"%s","DOCUMENTATION","crash-cdr-%05d",""'
                % (n, n, n % 4 + 1, n, times[0], times[1], times[2], status, n))
        bad = CDR_ROWS // CDR_BAD_EVERY
        job = self.as_user("crash_supervisor", "crm.callcenter.cdr.import", "create",
                           [{"name": "Crash CDR", "connection_id": self.connection,
                             "file": csv_b64(lines), "filename": "Master.csv",
                             "chunk_size": CHUNK, "timezone": "UTC"}])
        self.created.append(("crm.callcenter.cdr.import", job))
        self.as_user("crash_supervisor", "crm.callcenter.cdr.import", "action_start",
                     [[job]])
        done = 0
        for locked in (True, False):
            done, position, state = self.kill_import(
                "crm_callcenter_cdr_import", job,
                "crm_callcenter.ir_cron_cdr_import_run", done + KILL_AFTER, locked)
            calls, distinct, errors, done, position, created, error_rows, \
                skipped, updated, state = self.cdr_counts(job)
            self.assertEqual(state, "running")
            self.assertEqual(position, done)
            self.assertEqual(done % CHUNK, 0)
            self.assertLess(done, CDR_ROWS)
            self.assertEqual((calls, distinct, errors),
                             (created, created, error_rows))
            self.assertEqual(created + error_rows, done)
            self.assertEqual((skipped, updated), (0, 0))

        self.assertEqual(self.run_to_end("crm_callcenter.ir_cron_cdr_import_run",
                                         "crm_callcenter_cdr_import", job), "done")
        # a chunk written twice would count its calls as already imported
        self.assertEqual(self.cdr_counts(job), (
            CDR_ROWS - bad, CDR_ROWS - bad, bad, CDR_ROWS, CDR_ROWS, CDR_ROWS - bad,
            bad, 0, 0, "done"))

    # --- 3. telephony event burst -------------------------------------------------

    def script(self):
        """[thread's events in order]: each thread is one agent's extension taking
        CALLS_PER_THREAD calls one after the other: ring, answer 8 s later, hang up
        after 60 s."""
        lanes = []
        for lane in range(EVENT_THREADS):
            extension = "610%d" % (lane + 1)
            events = []
            for n in range(CALLS_PER_THREAD):
                call = "crash-ev-%d-%02d" % (lane, n)
                base = T0 + timedelta(seconds=3600 + 120 * n)
                common = {"call_id": call, "direction": "inbound",
                          "from": "+86137077%02d%03d" % (lane, n),
                          "to": "4008001234"}
                for kind, offset, ext in (("ring", 0, extension),
                                          ("answer", 8, extension),
                                          ("hangup", 68, None)):
                    event = dict(common, event=kind, event_id="%s-%s" % (call, kind),
                                 timestamp=(base + timedelta(seconds=offset))
                                 .strftime("%Y-%m-%dT%H:%M:%SZ"))
                    if ext:
                        event["extension"] = ext
                    events.append(event)
            lanes.append(events)
        return lanes

    def post(self, server, event):
        return requests.post(server.url + "/crm_callcenter/event", json=event,
                             headers={"Authorization": "Bearer %s" % TOKEN},
                             timeout=60)

    def burst(self, lanes, stop_after=None):
        """Post the lanes' events from one thread each. Without ``stop_after``:
        every event, returns {event_id: (status, body)}. With it: the server is
        killed once that many events were answered 200; a thread stops at its
        first request that got no answer, as a PBX queues what it could not send.
        Returns (acknowledged {event_id: call id}, {event_id: sent before the
        kill} of the requests that got no answer)."""
        server = self.server
        answers, unanswered = {}, {}
        killed_at = [float("inf")]

        def run(events):
            for event in events:
                sent = time.time()
                try:
                    response = self.post(server, event)
                except requests.RequestException:
                    unanswered[event["event_id"]] = sent < killed_at[0]
                    return
                answers[event["event_id"]] = (
                    response.status_code, response.json())
        threads = [threading.Thread(target=run, args=(events,), daemon=True)
                   for events in lanes]
        for thread in threads:
            thread.start()
        if stop_after:
            wait_for(lambda: sum(1 for status, _body in list(answers.values())
                                 if status == 200) >= stop_after,
                     "%d events acknowledged" % stop_after)
            killed_at[0] = time.time()
            server.kill()
        for thread in threads:
            thread.join(120)
        return answers, unanswered

    def recorded(self):
        """{event_key: [(call id, event)]} of the connection's events, and the
        calls {id: (state, answer_date, end_date, disposition, events)}."""
        events = {}
        for key, call_id, kind in self.sql(
                "SELECT event_key, call_id, event FROM crm_callcenter_event "
                "WHERE connection_id = %s", (self.connection,)):
            # the sender's event id, as the API keeps it
            events.setdefault(key.replace("id:", "", 1), []).append(
                (call_id, kind))
        calls = {row[0]: row[1:] for row in self.sql("""
            SELECT c.id, c.state, c.answer_date IS NOT NULL,
                   c.end_date IS NOT NULL, c.disposition,
                   array(SELECT e.event FROM crm_callcenter_event e
                          WHERE e.call_id = c.id ORDER BY e.event)
              FROM crm_callcenter_call c
             WHERE c.connection_id = %s AND c.pbx_call_id LIKE 'crash-ev-%%'
        """, (self.connection,))}
        return events, calls

    def assertWhole(self, events, calls):
        """No event twice, none without its call, no call without an event, every
        call's state what its events say."""
        self.assertEqual([key for key, rows in events.items() if len(rows) > 1], [])
        self.assertEqual([key for key, rows in events.items()
                          if rows[0][0] not in calls], [])
        for call_id, (state, answered, ended, disposition, kinds) in calls.items():
            self.assertTrue(kinds, "call %s has no event" % call_id)
            expected = ("ended" if "hangup" in kinds else
                        "talking" if "answer" in kinds else "ringing")
            self.assertEqual((state, answered, ended), (
                expected, "answer" in kinds, "hangup" in kinds), kinds)
            if "answer" in kinds:
                self.assertEqual(disposition, "answered")

    def test_event_burst_killed_then_resent_once(self):
        self.live()
        lanes = self.script()
        total = sum(len(events) for events in lanes)
        answers, unanswered = self.burst(lanes, stop_after=EVENT_KILL_AFTER)
        self.kill_finished()
        acknowledged = {key: body["call_id"] for key, (status, body)
                        in answers.items() if status == 200}
        self.assertEqual([key for key, (status, _b) in answers.items()
                          if status != 200], [])
        self.assertGreaterEqual(len(acknowledged), EVENT_KILL_AFTER)
        self.assertLess(len(acknowledged), total)
        in_flight = [key for key, before in unanswered.items() if before]
        self.assertTrue(in_flight, "the kill cut no request")
        events, calls = self.recorded()
        self.assertEqual({key: events.get(key, [(None,)])[0][0]
                          for key in acknowledged}, acknowledged,
                         "an acknowledged event is lost or on another call")
        self.assertEqual(set(events) - set(acknowledged) - set(in_flight), set(),
                         "only acknowledged or in-flight events are recorded")
        self.assertWhole(events, calls)
        self.report["events"] = {
            "sent": total, "acknowledged": len(acknowledged),
            "in_flight": len(in_flight),
            "in_flight_recorded": len([k for k in in_flight if k in events])}

        # the PBX sends everything again (it cannot know what the dead server
        # committed); each event is recorded once and gets the answer it had
        self.live()
        resent = self.burst(lanes)[0]
        self.assertEqual(sorted({status for status, _b in resent.values()}), [200])
        self.assertEqual(len(resent), total)
        self.assertEqual({key: resent[key][1]["call_id"] for key in acknowledged},
                         acknowledged)
        events, calls = self.recorded()
        self.assertEqual(len(events), total)
        self.assertEqual(len(calls), EVENT_THREADS * CALLS_PER_THREAD)
        self.assertWhole(events, calls)
        self.assertEqual({row[:4] for row in calls.values()},
                         {("ended", True, True, "answered")})
        self.assertEqual(self.sql("""
            SELECT count(*), min(talk_seconds), max(talk_seconds)
              FROM crm_callcenter_call
             WHERE connection_id = %s AND pbx_call_id LIKE 'crash-ev-%%'
        """, (self.connection,))[0], (len(calls), 60, 60))


class Closing:
    """A psycopg2 connection closed at the end of a with block (psycopg2's own
    ``with`` only ends the transaction)."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        return self.conn

    def __exit__(self, *exc):
        self.conn.close()


def swallow(call):
    """Run ``call``; the kill cuts it off, which is what the test wants."""
    try:
        call()
    except (xmlrpc.client.Error, OSError):
        pass
