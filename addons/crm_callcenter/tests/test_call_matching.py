"""Caller matching: the customer's number in E.164 (in the connection's country)
found through the indexed match keys, the rule when several customers share it
(the agent's own customer, then the latest activity), leads when no customer has
it, and the pop-up pushed to the ringing agent's browser with what that agent may
see."""
from .calls_common import COMPANY_PHONE, CallsCase, utc


class TestCallMatching(CallsCase):

    def ring(self, call_id, number, extension="7001", **values):
        values.setdefault("direction", "inbound")
        return self.receive(self.body("ring", call_id, 0, extension=extension,
                                      **dict(values, **{"from": number})))

    def test_a_contact_in_national_format(self):
        # the contact's mobile as a Chinese PBX sends it: trunk prefix, no country
        answer = self.ring("m-1", "013855550101")
        call = self.call_of("m-1")
        self.assertEqual(call.customer_number, "+8613855550101")
        self.assertEqual((call.partner_id, call.contact_id),
                         (self.customer, self.contact))
        self.assertEqual((call.match_count, call.match_note), (1, False))
        self.assertEqual(answer, {"call_id": call.id, "partner_id": self.customer.id,
                                  "agent_user_id": self.users[0].id})

    def test_outbound_calls_match_the_called_number(self):
        self.receive(self.body("ring", "m-out", 0, direction="outbound",
                               extension="7001",
                               **{"from": "7001", "to": COMPANY_PHONE}))
        call = self.call_of("m-out")
        self.assertEqual(call.customer_number, "+862155550100")
        self.assertEqual((call.partner_id, call.contact_id),
                         (self.customer, self.env["res.partner"]))

    def test_the_agents_own_customer_wins(self):
        agent = self.users[1]
        mine = self.env["res.partner"].create({
            "name": "Calls Test Shared Number Mine", "is_company": True,
            "customer": True, "phone": "+86 21 5555 0999", "user_id": agent.id})
        other = self.env["res.partner"].create({
            "name": "Calls Test Shared Number Other", "is_company": True,
            "customer": True, "phone": "+86 21 5555 0999",
            # followed up an hour after the test's calls
            "last_followup_date": utc(3600)})
        self.ring("m-own", "+862155550999", extension="7002")
        call = self.call_of("m-own")
        self.assertEqual(call.partner_id, mine)
        self.assertEqual(call.match_count, 2)
        self.assertIn("you are its salesperson", call.match_note)
        self.assertIn(mine.name, call.match_note)
        # for another agent, the latest activity (a call counts) decides
        self.ring("m-other", "+862155550999", extension="7003")
        self.assertEqual(self.call_of("m-other").partner_id, other)
        self.assertIn("latest activity (%s)" % utc(3600)[:10],
                      self.call_of("m-other").match_note)

    def test_the_latest_call_counts_as_activity(self):
        first = self.env["res.partner"].create({
            "name": "Calls Test Twin A", "customer": True, "mobile": "13955550777"})
        second = self.env["res.partner"].create({
            "name": "Calls Test Twin B", "customer": True, "mobile": "13955550777"})
        self.ring("twin-1", "+8613955550777")
        # nobody has an activity: the newest customer
        self.assertEqual(self.call_of("twin-1").partner_id, second)
        self.assertIn("the newest", self.call_of("twin-1").match_note)
        self.call_of("twin-1").write({"partner_id": first.id})
        self.ring("twin-2", "+8613955550777", extension="7002")
        self.assertEqual(self.call_of("twin-2").partner_id, first)

    def test_leads_when_no_customer_has_the_number(self):
        lead = self.env["crm.lead"].create({
            "name": "Calls Test Lead Caller", "phone": "+86 139 5555 0333",
            "type": "lead"})
        self.ring("m-lead", "13955550333")
        call = self.call_of("m-lead")
        self.assertEqual((call.lead_id, call.partner_id),
                         (lead, self.env["res.partner"]))
        self.assertEqual(call.match_count, 1)
        self.assertIn("lead Calls Test Lead Caller", call.match_note)

    def test_unknown_and_hidden_numbers(self):
        self.ring("m-unknown", "+8613955550000")
        self.ring("m-hidden", "anonymous")
        for call_id in ("m-unknown", "m-hidden"):
            call = self.call_of(call_id)
            self.assertFalse(call.partner_id or call.lead_id or call.match_count)
        self.assertEqual(self.call_of("m-hidden").customer_number_display,
                         "anonymous")
        popup = self.bus_messages(self.users[0])[-1]
        self.assertEqual(popup["number"], "anonymous")
        self.assertFalse(popup["customer"])

    def test_the_popup_of_a_known_customer(self):
        """The bus row on the ringing agent's partner channel carries the customer,
        level, owner, open opportunities and tickets, amount due and last
        follow-up, read as the agent."""
        agent = self.users[0]
        deals = self.env["crm.lead"]
        for index, revenue in enumerate((5000, 90000, 20000, 70000)):
            deals |= self.env["crm.lead"].create({
                "name": "Calls Test Deal %d" % index, "type": "opportunity",
                "partner_id": self.customer.id, "planned_revenue": revenue,
                "user_id": agent.id})
        # a won deal and another agent's deal are not listed (one is not open, the
        # other not the agent's to see: call-center agents see their own leads)
        deals[0].write({"probability": 100})
        self.env["crm.lead"].create({
            "name": "Calls Test Hidden Deal", "type": "opportunity",
            "partner_id": self.customer.id, "user_id": self.rep.id})
        tickets = self.env["crm.service.ticket"]
        for index in range(4):
            tickets |= self.env["crm.service.ticket"].create({
                "name": "Calls Test Issue %d" % index, "partner_id": self.contact.id})
        tickets[3]._crm_workflow().write(
            {"state": "closed"})
        channel = self.env.ref("crm_core.dictionary_followup_channel_phone")
        self.env["crm.followup"].create({
            "partner_id": self.customer.id, "user_id": agent.id,
            "channel_id": channel.id, "summary": "Calls Test asked for a quote",
            "date": "2026-01-05 08:00:00"})
        self.ring("popup-1", "+8613855550101")
        popups = self.bus_messages(agent)
        self.assertEqual(len(popups), 1)
        popup = popups[0]
        call = self.call_of("popup-1")
        self.assertEqual(popup["call_id"], call.id)
        self.assertEqual(popup["number"], "+8613855550101")
        self.assertEqual(popup["direction"], "Inbound")
        customer = popup["customer"]
        self.assertEqual(customer["name"], "Calls Test Trading Co")
        self.assertEqual(customer["level"], self.level.name)
        self.assertEqual(customer["owner"], self.rep.name)
        self.assertEqual(customer["last_followup"], "Calls Test asked for a quote")
        self.assertEqual(customer["last_followup_date"][:10], "2026-01-05")
        self.assertTrue(customer["amount_due"])  # call-center agents may read it
        self.assertEqual(customer["url"], "/web#id=%d&model=res.partner&"
                                          "view_type=form" % self.customer.id)
        self.assertEqual(popup["contact"]["name"], "Calls Test Li Na")
        self.assertEqual(popup["opportunities"]["count"], 3)
        self.assertEqual([d["name"] for d in popup["opportunities"]["top"]],
                         ["Calls Test Deal 1", "Calls Test Deal 3",
                          "Calls Test Deal 2"])
        self.assertEqual(popup["tickets"]["count"], 3)
        self.assertEqual(len(popup["tickets"]["top"]), 3)
        self.assertTrue(all(t["state"] == "New" for t in popup["tickets"]["top"]))
        self.assertFalse(self.bus_messages(self.users[1]))

    def test_the_amount_due_only_for_who_may_read_it(self):
        marketing = self.new_user("calls_marketing", ["crm_core.group_marketing_user"],
                                  lang="en_US")
        self.ring("due-1", "+8613855550101")
        call = self.call_of("due-1")
        self.assertTrue(call._popup_payload(self.users[0])["customer"]["amount_due"])
        self.assertFalse(call._popup_payload(marketing)["customer"]["amount_due"])

    def test_the_popup_shows_what_the_agent_may_see(self):
        """With the call center's data scope narrowed to own customers, an agent
        hears the phone ring but the pop-up names no customer they may not see."""
        scope = self.env.ref("crm_core.data_scope_callcenter")
        scope.write({"customer_scope": "own", "pool_access": False})
        self.ring("scope-1", "+8613855550101")
        call = self.call_of("scope-1")
        self.assertEqual(call.partner_id, self.customer)
        popup = self.bus_messages(self.users[0])[-1]
        self.assertFalse(popup["customer"])
        self.assertFalse(popup["contact"])

    def test_chinese_agents_read_the_popup_in_chinese(self):
        self.users[2].write({"lang": "zh_CN"})
        self.ring("zh-1", "+8613955550111", extension="7003")
        popup = self.bus_messages(self.users[2])[-1]
        self.assertEqual(popup["direction"], "呼入")

    def test_matching_reads_indexes_only(self):
        """The lookup compares the indexed E.164 columns (no LIKE over every
        phone): its plan uses their indexes."""
        self.env.cr.execute("SET LOCAL enable_seqscan = off")  # sql-safe: constant
        self.env.cr.execute("""
            EXPLAIN SELECT id FROM res_partner
             WHERE active AND (phone_sanitized = ANY(%(p)s)
                OR mobile_sanitized = ANY(%(p)s))
        """, {"p": ["+8613855550101"]})
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("res_partner_phone_sanitized_index", plan)
        self.assertIn("res_partner_mobile_sanitized_index", plan)

    def test_a_repeat_caller_is_rematched_when_the_agent_changes(self):
        owner = self.users[2]
        shared = self.env["res.partner"].create({
            "name": "Calls Test Rematch Mine", "customer": True,
            "mobile": "13955550888", "user_id": owner.id})
        self.env["res.partner"].create({
            "name": "Calls Test Rematch Other", "customer": True,
            "mobile": "13955550888", "last_followup_date": "2026-02-01 00:00:00"})
        # queued first: no agent yet, the latest activity wins
        self.receive(self.body("queue", "rematch", 0, queue="sales",
                               **{"from": "13955550888"}))
        self.assertNotEqual(self.call_of("rematch").partner_id, shared)
        self.receive(self.body("ring", "rematch", 5, extension="7003"))
        self.assertEqual(self.call_of("rematch").partner_id, shared)
        self.assertEqual(self.call_of("rematch").user_id, owner)
