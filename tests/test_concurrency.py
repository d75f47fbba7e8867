"""Many users change the same records at the same moment, over real XML-RPC and
JSON-RPC against a real server (tests/live_server.py): every call either succeeds
or is refused with a message (never a server error), nothing a successful call
wrote is lost, nothing is written twice, and the crons that run beside the users
(the pool's recycling, the SLA check) neither fail nor break the edits.

Odoo runs each request in REPEATABLE READ and retries it up to five times on a
serialization failure; before crm_core's fix, a retried XML-RPC write ran on the
failed attempt's environments and died with "Unable to use a closed cursor"."""
import re
import threading
import unittest
import xmlrpc.client

from .live_server import LiveFixtures

WRITERS = 20
PASSWORD = "Concurrency-Test-77"
REFUSALS = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError",
            "odoo.exceptions.AccessError", "odoo.exceptions.Warning",
            "odoo.exceptions.except_orm")


def digits(phone):
    """A phone as digits: the CRM stores numbers in its own format (E.164)."""
    return re.sub(r"\D", "", phone or "")


def outcome_of(call):
    """("ok", result), ("refused", message) or ("error", description)."""
    try:
        return call()
    except xmlrpc.client.Fault as fault:
        # codes 2 (warning) and 4 (access): a refusal the user can read
        kind = "refused" if fault.faultCode in (2, 4) else "error"
        return kind, fault.faultString
    except Exception as error:  # pylint: disable=broad-except
        return "error", repr(error)


def in_parallel(lanes):
    """Run the lanes at once (released together), the calls of a lane one after
    the other, as one user's client does; the outcomes of all calls."""
    outcomes = [[] for _ in lanes]
    start = threading.Barrier(len(lanes))

    def run(index, calls):
        start.wait()
        for call in calls:
            outcomes[index].append(outcome_of(call))
    threads = [threading.Thread(target=run, args=(index, calls))
               for index, calls in enumerate(lanes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    return [outcome for lane in outcomes for outcome in lane]


class TestConcurrentUsers(LiveFixtures, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.start_with_fixtures("concurrency")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.remove_fixtures()
        finally:
            cls.server.__exit__(None, None, None)

    @classmethod
    def _fixtures(cls):
        cls.team = cls.make("crm.team", {"name": "Concurrency Team"})
        salesman = cls.ref("sales_team.group_sale_salesman")
        cls.reps = []
        for index in range(WRITERS):
            user = cls.make("res.users", {
                "name": "Concurrency Rep %02d" % index,
                "login": "concurrency_rep_%02d" % index, "password": PASSWORD,
                "lang": "en_US", "sale_team_id": cls.team,
                "email": "concurrency_rep_%02d@example.com" % index,
                "groups_id": [(6, 0, [cls.ref("base.group_user"), salesman])]},
                {"no_reset_password": True})
            cls.reps.append(user)
        cls.agent = cls.make("res.users", {
            "name": "Concurrency Service Agent", "login": "concurrency_agent",
            "password": PASSWORD, "lang": "en_US",
            "email": "concurrency_agent@example.com",
            "groups_id": [(6, 0, [cls.ref("crm_core.group_service_agent")])]},
            {"no_reset_password": True})
        cls.service_team = cls.make("crm.service.team", {
            "name": "Concurrency Service", "member_ids": [(6, 0, [cls.agent])]})
        cls.category = cls.make("crm.service.category", {
            "name": "Concurrency Faults", "team_id": cls.service_team})
        cls.customer = cls.make("res.partner", {
            "name": "Concurrency Customer Co", "is_company": True, "customer": True,
            "user_id": cls.reps[0]})
        cls.lead = cls.make("crm.lead", {
            "name": "Concurrency Deal", "type": "opportunity",
            "partner_id": cls.customer, "user_id": cls.reps[0],
            "team_id": cls.team})
        cls.tags = [cls.make("crm.lead.tag", {"name": "Concurrency Tag %02d" % index})
                    for index in range(WRITERS)]
        cls.ticket = cls.make("crm.service.ticket", {
            "name": "Concurrency: machine stops", "partner_id": cls.customer,
            "category_id": cls.category, "ticket_type": "fault",
            "team_id": cls.service_team, "user_id": cls.agent})
        cls.pool = cls.make("crm.pool", {
            "name": "Concurrency Pool", "max_owned": 2, "max_claims_per_day": 0,
            "team_ids": [(6, 0, [cls.team])]})
        cls.pool_customers = [cls.make("res.partner", {
            "name": "Concurrency Pool Customer %d" % index, "is_company": True,
            "customer": True, "pool_id": cls.pool}) for index in range(5)]

    def rep_call(self, index, model, method, args, kwargs=None):
        return lambda: ("ok", self.server.xmlrpc(self.reps[index], PASSWORD, model,
                                                 method, args, kwargs))

    def json_call(self, uid, model, method, args, kwargs=None):
        def call():
            result, error = self.server.jsonrpc(uid, PASSWORD, model, method, args,
                                                kwargs)
            if not error:
                return "ok", result
            data = error.get("data") or {}
            kind = "refused" if data.get("name") in REFUSALS else "error"
            return kind, "%s: %s" % (data.get("name"), data.get("message"))
        return call

    def assertNoServerError(self, outcomes):
        errors = [outcome for outcome in outcomes if outcome[0] == "error"]
        self.assertFalse(errors, "%d of %d calls failed: %s" % (
            len(errors), len(outcomes), errors[:3]))
        log = self.server.log_text()
        self.assertNotIn("closed cursor", log)
        self.assertNotIn("Traceback", log, log[log.find("Traceback") - 500:][:4000])

    # --- the tests --------------------------------------------------------------

    def test_twenty_xmlrpc_writers_on_one_opportunity(self):
        """Each writer sets its phone and adds its tag: the phone is one writer's,
        and every successful writer's tag is there (no lost update)."""
        lanes = [[self.rep_call(0, "crm.lead", "write", [[self.lead], {
            "phone": "+86 138 0013 %04d" % index,
            "tag_ids": [(4, self.tags[index])]}])] for index in range(WRITERS)]
        outcomes = in_parallel(lanes)
        self.assertNoServerError(outcomes)
        done = [index for index, outcome in enumerate(outcomes) if outcome[0] == "ok"]
        self.assertEqual(len(done), WRITERS, outcomes)
        lead = self.admin("crm.lead", "read", [[self.lead], ["phone", "tag_ids"]])[0]
        self.assertEqual(sorted(lead["tag_ids"]), sorted(self.tags[i] for i in done))
        self.assertIn(digits(lead["phone"]), [digits("+86 138 0013 %04d" % i)
                                              for i in done])

    def test_twenty_jsonrpc_writers_on_one_ticket(self):
        """Each writer posts a note and sets the description: every note is there
        exactly once (a retried request posts again only what it rolled back)."""
        lanes = [[
            self.json_call(self.agent, "crm.service.ticket", "message_post",
                           [[self.ticket]], {"body": "concurrency note %02d" % index}),
            self.json_call(self.agent, "crm.service.ticket", "write", [
                [self.ticket], {"description": "written by writer %02d" % index}]),
        ] for index in range(WRITERS)]
        outcomes = in_parallel(lanes)
        self.assertNoServerError(outcomes)
        self.assertTrue(all(outcome[0] == "ok" for outcome in outcomes), outcomes)
        bodies = [row["body"] for row in self.admin(
            "mail.message", "search_read",
            [[("model", "=", "crm.service.ticket"), ("res_id", "=", self.ticket),
              ("body", "like", "concurrency note")]], {"fields": ["body"]})]
        notes = sorted(re.search(r"concurrency note \d+", body).group(0)
                       for body in bodies)
        self.assertEqual(notes, ["concurrency note %02d" % i for i in range(WRITERS)])
        ticket = self.admin("crm.service.ticket", "read",
                            [[self.ticket], ["description"]])[0]
        self.assertRegex(ticket["description"], r"^written by writer \d\d$")

    def test_twenty_reps_claim_the_same_pool_customers(self):
        """Five customers, twenty reps, a cap of two each: every customer ends with
        exactly one owner, no rep above the cap, one claim in the pool history per
        customer, and every other rep told why."""
        lanes = []
        for index in range(WRITERS):
            order = self.pool_customers[index % 5:] + self.pool_customers[:index % 5]
            lanes.append([self.json_call(self.reps[index], "res.partner",
                                         "action_pool_claim", [[partner]])
                          for partner in order[:3]])
        outcomes = in_parallel(lanes)
        self.assertNoServerError(outcomes)
        owners = {row["id"]: row["user_id"] and row["user_id"][0]
                  for row in self.admin("res.partner", "read",
                                        [self.pool_customers, ["user_id"]])}
        self.assertTrue(all(owners[p] in self.reps for p in self.pool_customers),
                        owners)
        per_rep = {}
        for owner in owners.values():
            per_rep[owner] = per_rep.get(owner, 0) + 1
        self.assertLessEqual(max(per_rep.values()), 2, per_rep)
        claims = self.admin("crm.pool.log", "search_read", [[
            ("partner_id", "in", self.pool_customers), ("action", "=", "claim")]],
            {"fields": ["partner_id", "user_id"]})
        self.assertEqual(sorted(row["partner_id"][0] for row in claims),
                         sorted(self.pool_customers))
        won = [outcome for outcome in outcomes if outcome[0] == "ok"]
        self.assertEqual(len(won), 5, outcomes)
        self.assertTrue(all(outcome[1] for outcome in outcomes
                            if outcome[0] == "refused"))

    def test_crons_run_during_edits(self):
        """The pool's recycling and the SLA check run while reps and an agent edit
        customers and the ticket: neither the crons nor the edits fail."""
        crons = [self.ref("crm_core.ir_cron_pool_recycle"),
                 self.ref("crm_service.ir_cron_check_sla")]
        lanes = [[lambda cron=cron: ("ok", self.admin(
            "ir.cron", "method_direct_trigger", [[cron]]))] * 3 for cron in crons]
        for index in range(WRITERS):
            lanes.append([
                self.rep_call(0, "res.partner", "write", [
                    [self.customer], {"phone": "+86 21 6000 %04d" % index}]),
                self.json_call(self.agent, "crm.service.ticket", "write", [
                    [self.ticket], {"priority": str(index % 3)}])])
        outcomes = in_parallel(lanes)
        self.assertNoServerError(outcomes)
        self.assertTrue(all(outcome[0] == "ok" for outcome in outcomes), outcomes)
        phone = self.admin("res.partner", "read", [[self.customer], ["phone"]])[0]
        self.assertIn(digits(phone["phone"]), [digits("+86 21 6000 %04d" % i)
                                               for i in range(WRITERS)])
