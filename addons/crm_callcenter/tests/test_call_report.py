"""Call statistics (统计报表): per agent, queue, day (the phone system's) and
direction: calls in and out, answered, effective, talk and wait times,
abandonment, service level and first-contact resolution, with group ratios
computed from the group's sums; for supervisors and analysts only."""
from odoo.exceptions import AccessError

from .acd_common import AcdCase

MEASURES = ["call_count", "inbound_count", "outbound_count", "answered_count",
            "abandoned_count", "offered_count", "effective_count", "in_time_count",
            "talk_seconds", "avg_talk_seconds", "avg_wait_seconds", "abandon_rate",
            "service_level", "fcr_base_count", "fcr_count", "fcr_rate",
            "effective_rate"]


class TestCallReport(AcdCase):

    @classmethod
    def setUpClass(cls):
        super(TestCallReport, cls).setUpClass()
        agent1 = {"user_id": cls.user1.id, "agent_id": cls.agent1.id}
        support = {"queue_id": cls.queue_support.id}  # 30 s target
        calls = [
            # answered in time, effective; the customer calls again 3 days later
            cls.call("rep-1", partner_id=cls.regular.id, disposition="answered",
                     wait_seconds=10, talk_seconds=120,
                     start_date="2026-11-19 17:00:00", **dict(agent1, **support)),
            # answered late, short (not effective); no call after it
            cls.call("rep-2", partner_id=cls.regular.id, disposition="answered",
                     wait_seconds=40, talk_seconds=20,
                     start_date="2026-11-22 17:00:00", **dict(agent1, **support)),
            # abandoned in the queue
            cls.call("rep-3", partner_id=cls.vip.id, disposition="abandoned",
                     wait_seconds=60, start_date="2026-11-20 02:00:00",
                     **dict(agent1, **support)),
            # outbound, effective, not offered to a queue
            cls.call("rep-4", direction="outbound", disposition="answered",
                     talk_seconds=45, start_date="2026-11-20 03:00:00", **agent1),
            # agent 2, sales queue (20 s target): answered in time, effective
            cls.call("rep-5", partner_id=cls.vip.id, disposition="answered",
                     wait_seconds=5, talk_seconds=31,
                     start_date="2026-11-20 04:00:00", user_id=cls.user2.id,
                     agent_id=cls.agent2.id, queue_id=cls.queue_sales.id),
        ]
        cls.call_ids = [call.id for call in calls]

    def grouped(self, user, groupby):
        Report = self.env["crm.callcenter.call.report"].sudo(user)
        groups = Report.read_group([("call_id", "in", self.call_ids)],
                                   MEASURES + [groupby],
                                   [groupby])
        return {group[groupby][0] if isinstance(group[groupby], tuple)
                else group[groupby]: group for group in groups}

    def test_by_agent(self):
        by_user = self.grouped(self.supervisor, "user_id")
        first = by_user[self.user1.id]
        expected = {"call_count": 4, "inbound_count": 3, "outbound_count": 1,
                    "answered_count": 3, "abandoned_count": 1, "offered_count": 3,
                    "effective_count": 2, "in_time_count": 1, "talk_seconds": 185,
                    "fcr_base_count": 2, "fcr_count": 1}
        self.assertEqual({k: first[k] for k in expected}, expected)
        self.assertAlmostEqual(first["avg_talk_seconds"], 185 / 3.0)
        # the speed of answer counts the inbound calls only: (10 + 40) / 2
        self.assertAlmostEqual(first["avg_wait_seconds"], 25.0)
        self.assertAlmostEqual(first["abandon_rate"], 100 / 3.0)
        self.assertAlmostEqual(first["service_level"], 100 / 3.0)
        self.assertAlmostEqual(first["effective_rate"], 200 / 3.0)
        self.assertAlmostEqual(first["fcr_rate"], 50.0)
        second = by_user[self.user2.id]
        self.assertEqual((second["call_count"], second["effective_count"],
                          second["service_level"], second["fcr_rate"]),
                         (1, 1, 100.0, 100.0))

    def test_by_queue_and_day(self):
        by_queue = self.grouped(self.analyst, "queue_id")
        self.assertEqual(by_queue[self.queue_support.id]["offered_count"], 3)
        self.assertEqual(by_queue[self.queue_sales.id]["in_time_count"], 1)
        rows = self.env["crm.callcenter.call.report"].sudo(self.analyst).search(
            [("call_id", "=", self.call_ids[0])])
        # 17:00 UTC is 01:00 the next day in Shanghai
        self.assertEqual(rows.date, "2026-11-20")

    def test_effective_threshold(self):
        self.connection.effective_call_seconds = 40
        by_user = self.grouped(self.supervisor, "user_id")
        self.assertEqual(by_user[self.user1.id]["effective_count"], 2)
        self.assertEqual(by_user[self.user2.id]["effective_count"], 0)

    def test_access(self):
        self.assertTrue(self.grouped(self.analyst, "user_id"))
        with self.assertRaises(AccessError):
            self.grouped(self.user1, "user_id")
