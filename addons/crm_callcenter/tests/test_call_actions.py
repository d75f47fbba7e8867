"""What an agent does with a call, as that agent: a ticket pre-filled from it, a
lead, a follow-up, a customer for an unknown number, the repeat call attached to
the open ticket (first-contact resolution), and the agent's status: set by the
phone system, by the agent, and back to available after the after-call time."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError

from .calls_common import CallsCase, T0, utc


class TestCallActions(CallsCase):

    def answered_call(self, call_id, number="+8613855550101", extension="7001",
                      start=0, **extra):
        for payload in (
                self.body("ring", call_id, start, extension=extension,
                          **dict(extra, **{"from": number})),
                self.body("answer", call_id, start + 4, extension=extension),
                self.body("hangup", call_id, start + 64)):
            self.receive(payload)
        return self.call_of(call_id)

    def test_create_ticket_prefilled_from_the_call(self):
        agent = self.users[0]
        call = self.answered_call(
            "act-ticket", recording_url="https://pbx.example.cn/r/act-ticket.wav")
        call.write({"notes": "The belt squeaks since Monday."})
        action = call.sudo(agent).action_create_ticket()
        ticket = call.ticket_id
        self.assertEqual((action["res_model"], action["res_id"]),
                         ("crm.service.ticket", ticket.id))
        self.assertEqual(ticket.channel, "phone")
        self.assertEqual(ticket.partner_id, self.contact)
        self.assertEqual(ticket.commercial_partner_id, self.customer)
        self.assertEqual(ticket.contact_name, "Calls Test Li Na")
        self.assertEqual(ticket.contact_phone, "+8613855550101")
        self.assertEqual(ticket.name, "Call from +8613855550101")
        self.assertIn("The belt squeaks since Monday.", ticket.description)
        self.assertIn("model=crm.callcenter.call", ticket.description)
        self.assertIn("Recording: on the call", ticket.description)
        self.assertNotIn("act-ticket.wav", ticket.description)
        self.assertEqual(ticket.create_uid, agent)
        self.assertEqual(ticket.call_ids, call)
        # a second click opens the same ticket
        again = call.sudo(agent).action_create_ticket()
        self.assertEqual(again["res_id"], ticket.id)
        self.assertTrue(call.first_contact_resolved)

    def test_a_repeat_call_attaches_to_the_open_ticket(self):
        agent = self.users[0]
        first = self.answered_call("act-first", start=0)
        first.sudo(agent).action_create_ticket()
        ticket = first.ticket_id
        second = self.answered_call("act-second", start=3600)
        self.assertEqual(second.repeat_ticket_id, ticket)
        second.sudo(agent).action_attach_ticket()
        self.assertEqual(second.ticket_id, ticket)
        self.assertTrue(second.is_repeat)
        self.assertFalse(second.first_contact_resolved)
        self.assertFalse(first.first_contact_resolved)
        self.assertEqual(ticket.call_ids, first | second)
        self.assertEqual(ticket.sudo(agent).call_count, 2)

    def test_no_repeat_offer_outside_the_window_or_without_open_ticket(self):
        agent = self.users[0]
        first = self.answered_call("act-old", start=0)
        first.sudo(agent).action_create_ticket()
        self.conn_a.repeat_call_days = 1
        late = self.answered_call("act-late", start=2 * 86400)
        self.assertFalse(late.repeat_ticket_id)
        with self.assertRaises(UserError):
            late.sudo(agent).action_attach_ticket()
        soon = self.answered_call("act-soon", start=600)
        self.assertEqual(soon.repeat_ticket_id, first.ticket_id)
        first.ticket_id.action_accept()
        first.ticket_id.write({"solution": "Belt replaced"})
        first.ticket_id.action_resolve()
        soon.invalidate_cache()
        self.assertFalse(soon.repeat_ticket_id)

    def test_create_lead_from_a_call(self):
        agent = self.users[0]
        call = self.answered_call("act-lead", number="+8613955551234")
        call.write({"notes": "Wants 20 conveyor belts"})
        action = call.sudo(agent).action_create_lead()
        lead = call.lead_id
        self.assertEqual(lead.type, "lead")
        self.assertEqual(lead.phone, "+8613955551234")
        self.assertEqual(lead.description, "Wants 20 conveyor belts")
        self.assertEqual(lead.medium_id, self.env.ref("utm.utm_medium_phone"))
        self.assertEqual(lead.create_uid, agent)
        self.assertEqual(action["res_id"], lead.id)
        # for a known customer, the lead carries it and goes to its team
        known = self.answered_call("act-lead-known")
        known.sudo(agent).action_create_lead()
        self.assertEqual(known.lead_id.partner_id, self.contact)

    def test_log_followup_from_a_call(self):
        agent = self.users[0]
        call = self.answered_call("act-followup")
        call.write({"notes": "Confirmed the delivery date"})
        action = call.sudo(agent).action_log_followup()
        self.assertEqual(action["res_model"], "crm.followup")
        followup = self.env["crm.followup"].sudo(agent).with_context(
            **action["context"]).create({})
        self.assertEqual(followup.partner_id, self.customer)
        self.assertEqual(followup.contact_id, self.contact)
        self.assertEqual(followup.callcenter_call_id, call)
        self.assertEqual(followup.summary, "Confirmed the delivery date")
        self.assertEqual(followup.channel_id,
                         self.env.ref("crm_core.dictionary_followup_channel_phone"))
        self.assertEqual(call.followup_ids, followup)
        unknown = self.answered_call("act-followup-unknown", number="+8613955550002")
        with self.assertRaises(UserError):
            unknown.sudo(agent).action_log_followup()

    def test_create_customer_for_an_unknown_number(self):
        agent = self.users[0]
        call = self.answered_call("act-customer", number="+8613955554321")
        action = call.sudo(agent).action_create_customer()
        self.assertEqual(action["context"]["default_phone"], "+8613955554321")
        partner = self.env["res.partner"].sudo(agent).with_context(
            **action["context"]).create({"name": "Calls Test New Caller"})
        self.assertTrue(partner.customer)
        self.assertEqual(call.partner_id, partner)
        self.assertEqual(call.match_note, "Created from this call.")
        # another partner created with the same context but another number is not
        # taken for the caller
        other = self.answered_call("act-customer-2", number="+8613955554322")
        context = other.sudo(agent).action_create_customer()["context"]
        self.env["res.partner"].sudo(agent).with_context(**context).create(
                {"name": "Calls Test Someone Else", "phone": "+86 21 1234 5678"})
        self.assertFalse(other.partner_id)


class TestAgentStatus(CallsCase):

    def test_status_from_events_and_by_hand(self):
        agent, user = self.agents[0], self.users[0]
        self.receive(self.body("ring", "st-1", 0, extension="7001"))
        self.assertEqual(agent.status, "ringing")
        self.receive(self.body("answer", "st-1", 10, extension="7001"))
        self.assertEqual(agent.status, "on_call")
        self.receive(self.body("hangup", "st-1", 70))
        self.assertEqual((agent.status, agent.status_since), ("after_call", utc(70)))
        agent.sudo(user).action_set_available()
        self.assertEqual(agent.status, "available")
        status = agent.sudo(user).set_my_status("break")
        self.assertEqual((status["status"], status["label"]), ("break", "On Break"))
        self.assertEqual([c[0] for c in status["choices"]],
                         ["available", "break", "offline"])
        with self.assertRaises(UserError):
            agent.sudo(user).set_my_status("on_call")
        logs = agent.status_log_ids.sorted(lambda log: (log.date_start, log.id))
        self.assertEqual(logs.mapped("status"), [
            "offline", "ringing", "on_call", "after_call", "available", "break"])
        self.assertEqual(logs[1:3].mapped("seconds"), [10, 60])
        self.assertTrue(all(log.date_end for log in logs[:-1]))
        self.assertFalse(logs[-1].date_end)
        self.assertEqual(logs[3].reason, "Call ended")
        self.assertEqual(logs[4].reason, "Set by %s" % user.name)
        pushed = self.bus_messages(user, "crm_callcenter.status")
        self.assertEqual(pushed[-1]["status"], "break")

    def test_a_missed_ring_makes_the_agent_available_again(self):
        agent = self.agents[1]
        agent._set_status("available", at=utc(-60))
        self.receive(self.body("ring", "st-missed", 0, extension="7002"))
        self.receive(self.body("hangup", "st-missed", 20, cause="no_answer"))
        self.assertEqual(agent.status, "available")
        self.assertEqual(self.call_of("st-missed").disposition, "no_answer")

    def test_ring_all_queue_one_answers(self):
        for extension in ("7001", "7002", "7003"):
            self.receive(self.body("ring", "st-queue", 0, extension=extension,
                                   queue="sales"))
        self.assertEqual(set(self.agents.mapped("status")), {"ringing"})
        self.receive(self.body("answer", "st-queue", 6, extension="7002"))
        self.assertEqual(self.agents.mapped("status"),
                         ["available", "on_call", "available"])
        call = self.call_of("st-queue")
        self.assertEqual(call.user_id, self.users[1])
        # every ringing agent got the pop-up
        for user in self.users:
            self.assertEqual(len(self.bus_messages(user)), 1)

    def test_an_agent_on_another_call_keeps_its_status(self):
        agent, user = self.agents[2], self.users[2]
        self.receive(self.body("ring", "st-a", 0, extension="7003"))
        self.receive(self.body("answer", "st-a", 2, extension="7003"))
        # the late ring and hangup of an older call do not touch the current one
        self.receive(self.body("ring", "st-b", -100, extension="7003"))
        self.assertEqual((agent.status, agent.current_call_id),
                         ("on_call", self.call_of("st-a")))
        self.receive(self.body("hangup", "st-b", -90))
        self.assertEqual((agent.status, agent.current_call_id),
                         ("on_call", self.call_of("st-a")))
        self.assertEqual(self.call_of("st-b").disposition, "no_answer")
        self.assertEqual([p["call_id"] for p in self.bus_messages(user)],
                         [self.call_of("st-a").id])

    def test_after_call_work_ends_by_the_cron(self):
        agent = self.agents[0]
        self.receive(self.body("ring", "st-cron", 0, extension="7001"))
        self.receive(self.body("answer", "st-cron", 1, extension="7001"))
        self.receive(self.body("hangup", "st-cron", 61))
        self.conn_a.after_call_seconds = 45
        Agent = self.env["crm.callcenter.agent"]
        Agent._cron_end_after_call_work(now=utc(61 + 44))
        self.assertEqual(agent.status, "after_call")
        # the cron runs a few minutes later: available from when the 45 s ended
        Agent._cron_end_after_call_work(now=utc(61 + 300))
        self.assertEqual((agent.status, agent.status_since),
                         ("available", utc(61 + 45)))
        self.assertEqual(agent.status_log_ids.filtered(
            lambda log: log.status == "after_call").seconds, 45)
        # 0 seconds: after-call work ends by the agent's button only
        self.conn_a.after_call_seconds = 0
        self.receive(self.body("ring", "st-cron-2", 200, extension="7001"))
        self.receive(self.body("answer", "st-cron-2", 201, extension="7001"))
        self.receive(self.body("hangup", "st-cron-2", 300))
        Agent._cron_end_after_call_work(now=fields.Datetime.to_string(
            T0 + timedelta(days=2)))
        self.assertEqual(agent.status, "after_call")

    def test_set_status_checks_its_status(self):
        with self.assertRaises(UserError):
            self.agents._set_status("lunch")
        self.agents._set_status("break", at=utc(0), reason="Team meeting")
        self.assertEqual(set(self.agents.mapped("status")), {"break"})
        logs = self.env["crm.callcenter.agent.status.log"].search(
            [("agent_id", "in", self.agents.ids), ("status", "=", "break")])
        self.assertEqual(len(logs), 3)
        self.assertEqual(set(logs.mapped("reason")), {"Team meeting"})
        # the same status again changes nothing
        self.agents._set_status("break", at=utc(5))
        self.assertEqual(self.env["crm.callcenter.agent.status.log"].search_count(
            [("agent_id", "in", self.agents.ids), ("status", "=", "break")]), 3)
