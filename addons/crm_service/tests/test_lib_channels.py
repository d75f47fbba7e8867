"""The pure parts of the channels: who a least-loaded rule picks, what the portal's
ticket form accepts, and the portal's progress bar. No database."""
import unittest

from ..lib.dispatch import Candidate, LoadBook, choose_least_loaded
from ..lib.portal_ticket import FormError, progress_steps, validate

TYPES = ["request", "fault", "complaint", "suggestion"]


class TestChooseLeastLoaded(unittest.TestCase):

    def test_fewest_open_tickets_wins(self):
        chosen = choose_least_loaded([
            Candidate(1, 3, None, "A"), Candidate(2, 1, "2026-01-05 08:00:00", "B"),
            Candidate(3, 2, None, "C")])
        self.assertEqual(chosen.key, 2)

    def test_tie_goes_to_the_longest_waiting_then_never_assigned(self):
        older = Candidate(9, 1, "2026-01-01 08:00:00", "Zed")
        newer = Candidate(1, 1, "2026-01-02 08:00:00", "Amy")
        self.assertEqual(choose_least_loaded([newer, older]).key, 9)
        self.assertEqual(choose_least_loaded([older, newer]).key, 9)
        never = Candidate(5, 1, None, "Zoe")
        self.assertEqual(choose_least_loaded([older, never, newer]).key, 5)

    def test_full_tie_is_decided_by_name_not_by_order_or_key(self):
        first = Candidate(2, 0, None, "Bo")
        second = Candidate(1, 0, None, "Cy")
        self.assertEqual(choose_least_loaded([first, second]).key, 2)
        self.assertEqual(choose_least_loaded([second, first]).key, 2)

    def test_nobody(self):
        self.assertIsNone(choose_least_loaded([]))
        self.assertIsNone(LoadBook({}, {}).choose([]))

    def test_a_batch_spreads_over_the_team(self):
        book = LoadBook({1: 2, 2: 0, 3: 0},
                        {1: "2026-01-01 00:00:00", 2: "2026-01-03 00:00:00"})
        agents = [(1, "A"), (2, "B"), (3, "C")]
        picks = [book.choose(agents).key for _i in range(6)]
        # 3 never had a ticket, then 2 (load 0); at 2/1/1, 3 was booked before 2;
        # at 2/2/2, 1 waited longest (its last ticket is older than this batch)
        self.assertEqual(picks, [3, 2, 3, 2, 1, 3])
        self.assertEqual(book.loads, {1: 3, 2: 2, 3: 3})


class TestPortalForm(unittest.TestCase):

    def test_clean_values(self):
        clean = validate({"name": "  Spindle alarm ", "description": "Line 1\nLine 2",
                          "ticket_type": "fault", "category_id": "7",
                          "contact_phone": " 138 0013 8000 ", "csrf_token": "x"},
                         TYPES, [7, 8])
        self.assertEqual(clean, {"name": "Spindle alarm",
                                 "description": "Line 1\nLine 2",
                                 "ticket_type": "fault", "category_id": 7,
                                 "contact_phone": "138 0013 8000"})

    def test_each_problem_names_its_field(self):
        good = {"name": "A", "description": "B"}
        cases = [
            ({"description": "B"}, "name", "required"),
            ({"name": "  ", "description": "B"}, "name", "required"),
            ({"name": "A"}, "description", "required"),
            (dict(good, name="x" * 201), "name", "too_long"),
            (dict(good, name="a\nb"), "name", "control_character"),
            (dict(good, description="a\x00b"), "description", "control_character"),
            (dict(good, ticket_type="other"), "ticket_type", "invalid_choice"),
            (dict(good, category_id="9"), "category_id", "invalid_choice"),
            (dict(good, category_id="1 OR 1=1"), "category_id", "invalid_choice"),
            (dict(good, partner_id="3"), "partner_id", "unknown_field"),
            (dict(good, contact_phone="1" * 33), "contact_phone", "too_long"),
        ]
        for form, field, code in cases:
            with self.assertRaises(FormError) as caught:
                validate(form, TYPES, [7])
            self.assertEqual((caught.exception.field, caught.exception.code),
                             (field, code), form)


class TestProgressSteps(unittest.TestCase):

    def test_steps_before_are_done(self):
        steps = dict(progress_steps("dispatched"))
        self.assertEqual(steps["new"], "done")
        self.assertEqual(steps["accepted"], "done")
        self.assertEqual(steps["dispatched"], "current")
        self.assertEqual(steps["closed"], "todo")

    def test_waiting_shows_as_in_progress_and_cancelled_has_no_current(self):
        self.assertEqual(dict(progress_steps("waiting"))["in_progress"], "current")
        self.assertNotIn("current", dict(progress_steps("cancelled")).values())
