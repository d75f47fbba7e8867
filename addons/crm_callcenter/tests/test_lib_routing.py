"""Routing rules (no database): the owner first, then the best skill match, then
the longest available; VIP callers ahead in the queue; overflow."""
import unittest

from ..lib import routing
from ..lib.routing import Candidate, Waiting

ZH, EN, PRODUCT = 1, 2, 3


def agent(agent_id, user_id, skills=None, since="2026-11-22 09:00:00"):
    return Candidate(agent_id, user_id, "80%02d" % agent_id, skills or {}, since)


class TestChooseAgent(unittest.TestCase):

    def setUp(self):
        super(TestChooseAgent, self).setUp()
        self.anna = agent(1, 101, {ZH: 5, PRODUCT: 2}, "2026-11-22 09:10:00")
        self.bo = agent(2, 102, {ZH: 3, EN: 4}, "2026-11-22 09:00:00")
        self.chen = agent(3, 103, {ZH: 5, PRODUCT: 2}, "2026-11-22 09:05:00")

    def test_owner_first_even_with_fewer_skills(self):
        decision = routing.choose_agent([self.anna, self.bo, self.chen],
                                        owner_user_id=102, skills=[PRODUCT])
        self.assertEqual(decision.candidate, self.bo)
        self.assertEqual(decision.rule, routing.OWNER)

    def test_owner_not_available_falls_back_to_skills(self):
        decision = routing.choose_agent([self.anna, self.bo], owner_user_id=999,
                                        skills=[ZH])
        self.assertEqual(decision.candidate, self.anna)
        self.assertEqual(decision.rule, routing.SKILL)
        self.assertEqual(decision.score, 5)

    def test_owner_without_required_skill_is_not_chosen(self):
        decision = routing.choose_agent([self.anna, self.bo], owner_user_id=102,
                                        required_skill=PRODUCT)
        self.assertEqual(decision.candidate, self.anna)
        self.assertEqual(decision.rule, routing.ONLY_AGENT)

    def test_skill_tie_goes_to_the_longest_available(self):
        decision = routing.choose_agent([self.anna, self.bo, self.chen],
                                        skills=[ZH, PRODUCT])
        # anna and chen both score 7; chen is available since 09:05, anna 09:10
        self.assertEqual(decision.candidate, self.chen)
        self.assertEqual(decision.rule, routing.SKILL)
        self.assertEqual(decision.score, 7)

    def test_no_skills_means_longest_available(self):
        decision = routing.choose_agent([self.anna, self.bo, self.chen])
        self.assertEqual(decision.candidate, self.bo)
        self.assertEqual(decision.rule, routing.LONGEST_IDLE)

    def test_required_level(self):
        self.assertIsNone(routing.choose_agent(
            [self.anna, self.bo, self.chen], required_skill=PRODUCT,
            required_level=3))
        decision = routing.choose_agent([self.anna, self.bo], required_skill=EN,
                                        required_level=4)
        self.assertEqual(decision.candidate, self.bo)

    def test_nobody(self):
        self.assertIsNone(routing.choose_agent([]))

    def test_unknown_idle_time_comes_last(self):
        fresh = agent(4, 104, since=None)
        decision = routing.choose_agent([fresh, self.anna])
        self.assertEqual(decision.candidate, self.anna)

    def test_same_inputs_same_answer(self):
        twins = [agent(7, 107), agent(5, 105)]
        self.assertEqual(routing.choose_agent(twins).candidate.agent_id, 5)
        self.assertEqual(routing.choose_agent(list(reversed(twins)))
                         .candidate.agent_id, 5)


class TestQueue(unittest.TestCase):

    def test_vip_priority(self):
        self.assertEqual(routing.caller_priority(10, [10, 11]), routing.VIP_PRIORITY)
        self.assertEqual(routing.caller_priority(12, [10, 11]),
                         routing.NORMAL_PRIORITY)
        self.assertEqual(routing.caller_priority(None, [10]), routing.NORMAL_PRIORITY)
        self.assertEqual(routing.caller_priority(10, []), routing.NORMAL_PRIORITY)

    def test_vip_jumps_the_queue(self):
        waiting = [Waiting(1, 0, "2026-11-22 10:00:00"),
                   Waiting(2, 0, "2026-11-22 10:00:05"),
                   Waiting(3, 1, "2026-11-22 10:00:09")]
        self.assertEqual([w.call_id for w in routing.queue_order(waiting)], [3, 1, 2])
        self.assertEqual(routing.queue_position(waiting, 3), 1)
        self.assertEqual(routing.queue_position(waiting, 2), 3)

    def test_same_time_by_id(self):
        waiting = [Waiting(9, 0, "2026-11-22 10:00:00"),
                   Waiting(4, 0, "2026-11-22 10:00:00")]
        self.assertEqual(routing.queue_position(waiting, 4), 1)

    def test_position_of_a_call_not_waiting(self):
        with self.assertRaises(ValueError):
            routing.queue_position([Waiting(1, 0, "x")], 2)

    def test_overflow(self):
        self.assertTrue(routing.should_overflow(0, 0, 0))
        self.assertFalse(routing.should_overflow(2, 500, 0))
        self.assertFalse(routing.should_overflow(2, 59, 60))
        self.assertTrue(routing.should_overflow(2, 60, 60))
