"""Outbound call lists (智能外拨): entries generated set-based from a filter or a
mailing list with do-not-call exclusions, the next best customer per agent
(priority, best hour to call, oldest; within calling hours; never the same one
to two agents), retries by outcome, and the agents' access to their lists."""
from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests.common import TransactionCase

from .acd_common import AcdCase, ago

# 10:30 in Shanghai, within the default calling hours (9:00-20:00)
NOW = "2026-11-23 02:30:00"


class CallListCase(AcdCase):

    @classmethod
    def setUpClass(cls):
        super(CallListCase, cls).setUpClass()
        Partner = cls.env["res.partner"]
        cls.campaign = cls.env["utm.campaign"].create({"name": "ACDLIST Campaign"})

        def customer(name, **vals):
            values = {"name": "ACDLIST %s" % name, "customer": True,
                      "is_company": True, "lang": "en_US"}
            values.update(vals)
            return Partner.create(values)

        cls.alpha = customer("Alpha", mobile="+86 136 5555 1001")
        cls.beta = customer("Beta", phone="+86 136 5555 1002")
        cls.gamma = customer("Gamma", mobile="+86 136 5555 1003",
                             email="gamma@acdlist.example")
        cls.no_phone = customer("No Phone", email="nophone@acdlist.example")
        cls.twin = customer("Twin", phone="+86 136 5555 1001")
        cls.refuser = customer("Refuser", mobile="+86 136 5555 1005")
        cls.env["crm.consent"].record(cls.refuser, "phone", "opt_out")
        cls.call_list = cls.env["crm.callcenter.call.list"].create({
            "name": "ACDLIST winter", "campaign_id": cls.campaign.id,
            "connection_id": cls.connection.id,
            "agent_ids": [(6, 0, (cls.agent1 | cls.agent2).ids)],
            "partner_domain": "[('name', '=like', 'ACDLIST %')]",
            "max_attempts": 2})

    def entry(self, partner):
        return self.call_list.entry_ids.filtered(lambda e: e.partner_id == partner)


class TestGenerate(CallListCase):

    def test_entries_and_exclusions(self):
        self.call_list.action_generate()
        entries = self.call_list.entry_ids
        self.assertEqual(len(entries), 6)
        alpha = self.entry(self.alpha).sudo()  # sudo: the number agents never see
        beta = self.entry(self.beta).sudo()  # sudo: the number agents never see
        self.assertEqual(alpha.phone, "+8613655551001")
        self.assertEqual(beta.phone, "+8613655551002")
        expected = {
            self.alpha: ("pending", False),
            self.beta: ("pending", False),
            self.gamma: ("pending", False),
            self.no_phone: ("excluded", "no phone number"),
            self.twin: ("excluded", "same number as another entry"),
            self.refuser: ("excluded", "do not call: opted out"),
        }
        for partner, (state, reason) in expected.items():
            self.assertEqual((self.entry(partner).state,
                              self.entry(partner).exclusion_reason),
                             (state, reason), partner.name)
        self.assertEqual((self.call_list.pending_count, self.call_list.excluded_count,
                          self.call_list.entry_count), (3, 3, 6))
        # again: nobody twice
        self.call_list.action_generate()
        self.assertEqual(len(self.call_list.entry_ids), 6)

    def test_from_a_mailing_list(self):
        mailing = self.env["mail.mass_mailing.list"].create({"name": "ACDLIST news"})
        Contact = self.env["mail.mass_mailing.contact"]
        Contact.create({"email": "Gamma@AcdList.example",
                        "list_ids": [(6, 0, mailing.ids)]})
        Contact.create({"email": "nophone@acdlist.example", "opt_out": True,
                        "list_ids": [(6, 0, mailing.ids)]})
        Contact.create({"email": "stranger@acdlist.example",
                        "list_ids": [(6, 0, mailing.ids)]})
        self.call_list.write({"source": "mailing_list",
                              "mailing_list_id": mailing.id})
        self.call_list.action_generate()
        self.assertEqual(self.call_list.entry_ids.mapped("partner_id"), self.gamma)

    def test_bad_filter_and_rules(self):
        for vals in ({"partner_domain": "[('nope', '=', 1)]"},
                     {"call_hour_from": 21.0}, {"max_attempts": 0}):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.call_list.write(vals)
        self.call_list.invalidate_cache()
        with self.assertRaises(UserError):
            self.call_list.action_start()  # nobody to call yet
        self.call_list.action_generate()
        self.call_list.action_start()
        self.assertEqual(self.call_list.state, "running")


class TestWorkingTheList(CallListCase):

    @classmethod
    def setUpClass(cls):
        super(TestWorkingTheList, cls).setUpClass()
        cls.call_list.action_generate()
        cls.call_list.action_start()
        cls.next = cls.env["crm.callcenter.call.list.entry"]._next_for_agent

    def answered(self, partner, start):
        self.call("hist-%s-%s" % (partner.id, start), "+8613655559999",
                  partner_id=partner.id, disposition="answered", start_date=start)

    def test_best_time_to_call(self):
        """Alpha answered most often at 10:00 (Shanghai), Beta at 14:00, Gamma has
        no history: at 10:30 Alpha comes first, then Gamma, then Beta."""
        for start in ("2026-11-10 02:05:00", "2026-11-12 02:40:00"):
            self.answered(self.alpha, start)
        self.answered(self.alpha, "2026-11-13 06:10:00")
        for start in ("2026-11-10 06:05:00", "2026-11-11 06:30:00",
                      "2026-11-12 06:45:00"):
            self.answered(self.beta, start)
        first = self.next(self.agent1, now=NOW)
        self.assertEqual(first.partner_id, self.alpha)
        self.assertEqual(first.best_hour, 10)
        self.assertEqual((first.state, first.agent_id), ("in_progress", self.agent1))
        # the agent holds it until it is finished
        self.assertEqual(self.next(self.agent1, now=NOW), first)
        second = self.next(self.agent2, now=NOW)
        self.assertEqual(second.partner_id, self.gamma)
        second.write({"state": "done"})
        third = self.next(self.agent2, now=NOW)
        self.assertEqual(third.partner_id, self.beta)
        self.assertEqual(third.best_hour, 14)

    def test_priority_first(self):
        self.entry(self.beta).priority = 5
        self.assertEqual(self.next(self.agent1, now=NOW).partner_id, self.beta)

    def test_calling_hours_and_list_state(self):
        # 21:00 in Shanghai
        self.assertFalse(self.next(self.agent1, now="2026-11-23 13:00:00"))
        self.call_list.action_done()
        self.assertFalse(self.next(self.agent1, now=NOW))

    def test_only_the_lists_agents(self):
        self.assertFalse(self.next(self.agent3, now=NOW))
        self.call_list.queue_id = self.queue_sales  # agent 3 is in this queue
        self.assertTrue(self.next(self.agent3, now=NOW))

    def test_consent_withdrawn_meanwhile(self):
        self.env["crm.consent"].record(self.alpha, "phone", "opt_out")
        self.entry(self.alpha).priority = 9
        entry = self.next(self.agent1, now=NOW)
        self.assertNotEqual(entry.partner_id, self.alpha)
        self.assertEqual(self.entry(self.alpha).state, "excluded")

    def test_retries(self):
        self.call_list.write({"call_hour_from": 0.0, "call_hour_to": 24.0})
        entry = self.entry(self.alpha)
        entry.priority = 9
        Entry = self.env["crm.callcenter.call.list.entry"].sudo(self.user1)
        preview = Entry.action_next_call()
        self.assertEqual(preview["res_id"], entry.id)
        mine = Entry.browse(entry.id)
        mine.action_dial()
        self.assertEqual(entry.attempts, 1)
        call = entry.last_call_id
        self.assertEqual((call.direction, call.list_entry_id, call.campaign_id),
                         ("outbound", entry, self.campaign))
        # the agent says nobody answered: retried in 120 minutes
        mine.with_context(outcome="no_answer").action_outcome()
        self.assertEqual(call.disposition, "no_answer")
        self.assertEqual(entry.state, "pending")
        self.assertFalse(entry.agent_id)
        self.assertGreater(entry.next_attempt, ago(-110 * 60))
        self.assertLess(entry.next_attempt, ago(-130 * 60))
        self.assertNotEqual(self.next(self.agent1).partner_id, self.alpha)
        # the PBX reports the second attempt busy: the last allowed attempt
        entry.write({"state": "in_progress", "agent_id": self.agent1.id,
                     "next_attempt": False})
        mine.action_dial()
        entry.last_call_id.write({"disposition": "busy"})
        self.assertEqual(entry.state, "failed")
        self.assertEqual(entry.exclusion_reason, "not reached after 2 attempts")

    def test_reached_and_wrong_number(self):
        self.call_list.write({"call_hour_from": 0.0, "call_hour_to": 24.0})
        Entry = self.env["crm.callcenter.call.list.entry"].sudo(self.user1)
        for partner, outcome, state in ((self.alpha, "answered", "done"),
                                        (self.beta, "failed", "failed")):
            entry = self.entry(partner)
            entry.write({"state": "in_progress", "agent_id": self.agent1.id})
            Entry.browse(entry.id).action_dial()
            result = Entry.browse(entry.id).with_context(
                outcome=outcome, chain_next=True).action_outcome()
            self.assertEqual(entry.state, state)
            self.assertEqual(result["res_model"], entry._name)

    def test_do_not_call(self):
        entry = self.entry(self.gamma)
        entry.write({"state": "in_progress", "agent_id": self.agent1.id})
        self.env["crm.callcenter.call.list.entry"].sudo(self.user1).browse(
            entry.id).action_do_not_call()
        self.assertEqual(entry.state, "excluded")
        allowed, _excluded = self.env["crm.consent"].check(self.gamma, "phone")
        self.assertFalse(allowed)

    def test_access(self):
        Entry = self.env["crm.callcenter.call.list.entry"]
        mine = Entry.sudo(self.user1).search([("list_id", "=", self.call_list.id)])
        self.assertEqual(len(mine), 6)
        self.assertFalse(Entry.sudo(self.user3).search(
            [("list_id", "=", self.call_list.id)]))
        with self.assertRaises(AccessError):
            self.call_list.sudo(self.user3).read(["name"])
        with self.assertRaises(AccessError):
            mine[0].write({"priority": 3})
        with self.assertRaises(AccessError):
            self.call_list.sudo(self.user1).write({"max_attempts": 9})
        # an entry held by agent 1 is not agent 2's to dial
        entry = self.entry(self.alpha)
        entry.write({"state": "in_progress", "agent_id": self.agent1.id})
        with self.assertRaises(UserError):
            Entry.sudo(self.user2).browse(entry.id).action_dial()
        self.call_list.sudo(self.supervisor).write({"max_attempts": 4})
        self.assertEqual(self.call_list.max_attempts, 4)


class TestNextCallRace(TransactionCase):
    """Two agents ask for their next call at the same moment, in two real
    (committed) transactions cleaned up afterwards: they get two customers."""

    def test_two_agents_two_entries(self):
        registry = self.registry
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True,
                                                     "lang": "en_US"})
            connection = env["crm.callcenter.connection"].create({
                "name": "Race List PBX", "token": "race-list-token-0123456789"})
            group = env.ref("crm_core.group_callcenter_agent")
            users = [env["res.users"].with_context(no_reset_password=True).create({
                "name": "List Race %d" % n, "login": "acd_list_race_%d" % n,
                "groups_id": [(6, 0, group.ids)]}) for n in (1, 2)]
            agents = env["crm.callcenter.agent"]
            for user in users:
                agents |= agents.create({"user_id": user.id})
            partners = env["res.partner"]
            for n in (1, 2):
                partners |= partners.create({"name": "LISTRACE %d" % n,
                                             "mobile": "+86 136 5555 20%02d" % n})
            call_list = env["crm.callcenter.call.list"].create({
                "name": "Race", "connection_id": connection.id,
                "agent_ids": [(6, 0, agents.ids)],
                "call_hour_from": 0.0, "call_hour_to": 24.0,
                "partner_domain": "[('name', '=like', 'LISTRACE %')]"})
            call_list.action_generate()
            call_list.action_start()
            ids = {"connection": connection.id, "users": [u.id for u in users],
                   "agents": agents.ids, "partners": partners.ids,
                   "list": call_list.id}

        def cleanup():
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["crm.callcenter.call.list"].browse(ids["list"]).unlink()
                env["res.partner"].browse(ids["partners"]).unlink()
                env["crm.callcenter.agent"].browse(ids["agents"]).unlink()
                env["crm.callcenter.connection"].browse(ids["connection"]).unlink()
                users = env["res.users"].browse(ids["users"])
                user_partners = users.mapped("partner_id")
                users.unlink()
                user_partners.unlink()

        self.addCleanup(cleanup)
        first_cr, second_cr = registry.cursor(), registry.cursor()
        try:
            taken = []
            for cr, agent_id in zip((first_cr, second_cr), ids["agents"]):
                env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                entry = env["crm.callcenter.call.list.entry"]._next_for_agent(
                    env["crm.callcenter.agent"].browse(agent_id))
                taken.append(entry.partner_id.id)
            first_cr.commit()
            second_cr.commit()
        finally:
            first_cr.close()
            second_cr.close()
        self.assertEqual(sorted(taken), sorted(ids["partners"]))
