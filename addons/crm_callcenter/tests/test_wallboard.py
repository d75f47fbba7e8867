"""The supervisors' wallboard: its figures (agents by status and time in it,
calls waiting and the longest wait per queue, today's answered, abandoned and
service level) from a few aggregate queries whatever the number of agents; the
bus message that refreshes it when a call or an agent changes; supervisors
only."""
import json

from odoo.exceptions import AccessError

from .acd_common import AcdCase, ago

# 2026-11-23 10:30 in Shanghai
NOW = "2026-11-23 02:30:00"


class TestWallboard(AcdCase):

    def queue_row(self, data, queue):
        return [q for q in data["queues"] if q["id"] == queue.id][0]

    def test_figures(self):
        self.agent1.write({"status": "on_call", "status_since": ago(75, NOW)})
        self.agent2.write({"status": "break", "status_since": ago(600, NOW)})
        # waiting in support: since 90 s and 30 s; one waiting call is stale
        for n, waited in enumerate((90, 30, 6 * 3600)):
            self.call("wb-wait-%d" % n, queue_id=self.queue_support.id,
                      queued_date=ago(waited, NOW), start_date=ago(waited, NOW))
        # today (Shanghai): 3 answered, 2 of them within the 30 s target; 1 abandoned
        for n, (disposition, wait) in enumerate((("answered", 10), ("answered", 30),
                                                 ("answered", 45),
                                                 ("abandoned", 50))):
            self.call("wb-today-%d" % n, queue_id=self.queue_support.id,
                      disposition=disposition, wait_seconds=wait,
                      answer_date=ago(3000, NOW), end_date=ago(2000, NOW),
                      start_date=ago(3600, NOW))
        # yesterday in Shanghai (23:00 local), not counted
        self.call("wb-yesterday", queue_id=self.queue_support.id,
                  disposition="answered", wait_seconds=5,
                  start_date="2026-11-22 15:00:00", end_date="2026-11-22 15:05:00")
        data = self.env["crm.callcenter.queue"].sudo(
            self.supervisor)._wallboard_data(now=NOW)
        support = self.queue_row(data, self.queue_support)
        self.assertEqual((support["waiting"], support["longest_wait"]), (2, 90))
        self.assertEqual((support["answered"], support["abandoned"]), (3, 1))
        self.assertEqual(support["service_level"], 50.0)
        self.assertEqual(support["target"], 30)
        sales = self.queue_row(data, self.queue_sales)
        self.assertEqual((sales["waiting"], sales["answered"],
                          sales["service_level"]), (0, 0, None))
        agents = {a["id"]: a for a in data["agents"]}
        self.assertEqual((agents[self.agent1.id]["status"],
                          agents[self.agent1.id]["seconds"]), ("on_call", 75))
        self.assertEqual(agents[self.agent2.id]["status_label"], "On Break")
        self.assertIn("ACD Sales", agents[self.agent1.id]["queues"])
        by_status = {g["status"]: [a["id"] for a in g["agents"]]
                     for g in data["by_status"]}
        self.assertIn(self.agent3.id, by_status["available"])
        self.assertIn(self.agent1.id, by_status["on_call"])
        self.assertGreaterEqual(data["totals"]["waiting"], 2)

    def test_queries_do_not_grow_with_agents(self):
        Queue = self.env["crm.callcenter.queue"].sudo(self.supervisor)
        Queue._wallboard_data(now=NOW)  # warm the caches
        with self.count_queries() as before:
            Queue._wallboard_data(now=NOW)
        for n in range(6):
            user = self.new_user("acd_wb_extra_%d" % n,
                                 ["crm_core.group_callcenter_agent"])
            agent = self.env["crm.callcenter.agent"].create(
                {"user_id": user.id, "status": "available"})
            self.queue_sales.agent_ids |= agent
        self.env.clear()
        Queue._wallboard_data(now=NOW)
        with self.count_queries() as after:
            Queue._wallboard_data(now=NOW)
        self.assertLessEqual(after.count, before.count + 2,
                             (before.count, after.count))

    def test_supervisors_only(self):
        with self.assertRaises(AccessError):
            self.env["crm.callcenter.queue"].sudo(self.user1).get_wallboard_data()
        data = self.env["crm.callcenter.queue"].sudo(
            self.supervisor).get_wallboard_data()
        self.assertIn("totals", data)

    def bus_messages(self):
        channel = json.dumps([self.env.cr.dbname, "crm.callcenter.wallboard"],
                             separators=(",", ":"))
        bus = self.env["bus.bus"].sudo()  # sudo: the test reads the bus table
        return bus.search([("channel", "=", channel)])

    def test_status_change_posts_a_bus_message(self):
        before = self.bus_messages()
        self.agent3.write({"status": "break"})
        new = self.bus_messages() - before
        self.assertEqual(len(new), 1)
        self.assertEqual(json.loads(new.message), {"type": "refresh"})
        # a change the wallboard does not show posts nothing
        calls_before = self.bus_messages()
        call = self.call("wb-bus-1")
        call.write({"notes": "nothing for the wallboard"})
        self.assertEqual(len(self.bus_messages() - calls_before), 1)  # the new call
        call.write({"disposition": "answered"})
        self.assertEqual(len(self.bus_messages() - calls_before), 2)

    def test_routing_posts_a_bus_message(self):
        before = self.bus_messages()
        self.queue_sales._route(self.call("wb-bus-2"))
        self.assertTrue(self.bus_messages() - before)
