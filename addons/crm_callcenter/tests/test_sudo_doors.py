"""The call-list buttons write entries, calls and the consent ledger with sudo()
(agents may not write those directly): another agent cannot use them on an entry
someone else is calling, nor get an entry of a list that is not theirs."""
from odoo.exceptions import UserError

from .test_call_list import CallListCase


class TestCallListDoors(CallListCase):

    @classmethod
    def setUpClass(cls):
        super(TestCallListDoors, cls).setUpClass()
        cls.call_list.action_generate()
        cls.call_list.action_start()

    def snapshot(self, entry):
        entry.invalidate_cache()
        return (entry.state, entry.agent_id, entry.attempts, entry.last_call_id,
                self.env["crm.consent"].search_count(
                    [("partner_id", "=", entry.partner_id.id)]),
                self.env["crm.callcenter.call"].search_count([]))

    def test_another_agent_cannot_work_an_entry_being_called(self):
        entry = self.entry(self.alpha)
        entry.write({"state": "in_progress", "agent_id": self.agent1.id})
        before = self.snapshot(entry)
        for method, context in (("action_dial", {}),
                                ("action_outcome", {"outcome": "answered"}),
                                ("action_do_not_call", {}),
                                ("action_release", {})):
            with self.assertRaisesRegex(UserError, "Another agent|另一位坐席", msg=method):
                self.rpc(self.user2, "crm.callcenter.call.list.entry", method,
                         entry.ids, context=context)
        self.assertEqual(self.snapshot(entry), before)
        # the agent calling it may
        self.rpc(self.user1, "crm.callcenter.call.list.entry", "action_release",
                 entry.ids)
        self.assertEqual(entry.state, "pending")

    def test_an_agent_off_the_list_gets_none_of_its_entries(self):
        with self.assertRaisesRegex(UserError, "Nobody to call|现在没有要呼叫"):
            self.rpc(self.user3, "crm.callcenter.call.list.entry",
                     "action_next_call")
        self.assertFalse(self.call_list.entry_ids.filtered(
            lambda e: e.agent_id == self.agent3))
