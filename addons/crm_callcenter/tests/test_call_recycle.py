"""Deleted calls go to the recycle bin (crm_core): hidden from agents and
supervisors; supervisors restore them, agents cannot."""
from odoo.exceptions import AccessError

from .calls_common import CallsCase


class TestCallRecycle(CallsCase):

    def test_deleted_call_waits_in_the_bin_for_a_supervisor(self):
        self.receive(self.body("ring", "recycle-1", 0, extension="7001",
                               **{"from": "+8613855550101"}))
        call = self.call_of("recycle-1")
        agent = self.users[0]
        self.assertEqual(call.user_id, agent)
        Report = self.env["crm.callcenter.call.report"]
        self.assertEqual(Report.search_count([("call_id", "=", call.id)]), 1)
        with self.assertRaises(AccessError):
            self.rpc(agent, "crm.callcenter.call", "unlink", call.ids)
        self.rpc(self.supervisor, "crm.callcenter.call", "unlink", call.ids)
        for user in (agent, self.supervisor):
            self.assertFalse(self.rpc(user, "crm.callcenter.call", "search",
                                      [("id", "=", call.id)]))
        # the call statistics count it no more
        self.assertEqual(Report.search_count([("call_id", "=", call.id)]), 0)
        entry = self.env["crm.recycle.bin"].search(
            [("res_model", "=", "crm.callcenter.call"), ("res_id", "=", call.id)])
        self.assertEqual(entry.deleted_by_id, self.supervisor)
        with self.assertRaises(AccessError):
            self.rpc(agent, "crm.recycle.bin", "action_restore", entry.ids)
        self.rpc(self.supervisor, "crm.recycle.bin", "action_restore", entry.ids)
        self.assertEqual(self.rpc(agent, "crm.callcenter.call", "search",
                                  [("id", "=", call.id)]), call.ids)
        self.assertEqual(Report.search_count([("call_id", "=", call.id)]), 1)
