"""Call scripts (台词提示): the script that applies to a call, branching on answers,
answers saved on the call (the last answer to a step wins), and who may read
and write scripts and answers."""
from odoo.exceptions import AccessError, UserError, ValidationError

from .acd_common import AcdCase


class TestScripts(AcdCase):

    @classmethod
    def setUpClass(cls):
        super(TestScripts, cls).setUpClass()
        Script = cls.env["crm.callcenter.script"]
        cls.campaign = cls.env["utm.campaign"].create({"name": "ACD Script Offer"})
        cls.reason = cls.env.ref("crm_callcenter.call_reason_fault")
        cls.category = cls.env["crm.service.category"].create({"name": "ACD Motors"})
        cls.subcategory = cls.env["crm.service.category"].create(
            {"name": "ACD Spindles", "parent_id": cls.category.id})
        cls.offer = Script.create({
            "name": "Offer", "campaign_ids": [(6, 0, cls.campaign.ids)]})
        cls.fault = Script.create({
            "name": "Fault", "sequence": 5, "reason_ids": [(6, 0, cls.reason.ids)]})
        cls.motors = Script.create({
            "name": "Motors", "category_ids": [(6, 0, cls.category.ids)]})
        cls.support = Script.create({
            "name": "Support queue", "queue_ids": [(6, 0, cls.queue_support.ids)]})
        Step = cls.env["crm.callcenter.script.step"]
        cls.hello = Step.create({
            "script_id": cls.offer.id, "sequence": 10, "name": "Hello",
            "text": "Do you have two minutes?", "question_type": "yes_no"})
        cls.machine = Step.create({
            "script_id": cls.offer.id, "sequence": 20, "name": "Machine",
            "text": "Which machine?", "question_type": "choice",
            "branch_ids": [(0, 0, {"answer": "Lathe"}),
                           (0, 0, {"answer": "None", "end_script": True})]})
        cls.mail = Step.create({
            "script_id": cls.offer.id, "sequence": 30, "name": "E-mail",
            "text": "Your e-mail?", "question_type": "text", "is_last": True})
        cls.later = Step.create({
            "script_id": cls.offer.id, "sequence": 40, "name": "Later",
            "text": "When shall we call back?", "question_type": "text"})
        cls.env["crm.callcenter.script.branch"].create({
            "step_id": cls.hello.id, "answer": "no", "next_step_id": cls.later.id})

    def test_which_script(self):
        Script = self.env["crm.callcenter.script"]
        ticket = self.env["crm.service.ticket"].create(
            {"name": "Noise", "category_id": self.subcategory.id})
        cases = [
            ({"campaign_id": self.campaign.id, "reason_id": self.reason.id},
             self.offer),
            ({"reason_id": self.reason.id, "ticket_id": ticket.id}, self.fault),
            ({"ticket_id": ticket.id, "queue_id": self.queue_support.id},
             self.motors),
            ({"queue_id": self.queue_support.id}, self.support),
        ]
        for n, (vals, script) in enumerate(cases):
            call = self.call("script-%d" % n, **vals)
            self.assertEqual(Script._find_for_call(call), script, vals)
        plain = self.call("script-plain")
        generic = Script.search([]).filtered(
            lambda s: not (s.campaign_ids or s.reason_ids or s.category_ids
                           or s.queue_ids))
        self.assertEqual(Script._find_for_call(plain), generic[:1])

    def test_branching(self):
        self.assertEqual(self.hello._next_step("yes"), self.machine)
        self.assertEqual(self.hello._next_step("No "), self.later)
        self.assertEqual(self.machine._next_step("Lathe"), self.mail)
        self.assertFalse(self.machine._next_step("None"))
        self.assertFalse(self.mail._next_step("a@b.cn"))
        self.assertFalse(self.later._next_step("tomorrow"))

    def test_walk_and_save_answers(self):
        call = self.call("script-walk", campaign_id=self.campaign.id,
                         user_id=self.user1.id, agent_id=self.agent1.id)
        Call = self.env["crm.callcenter.call"].sudo(self.user1)
        action = Call.browse(call.id).action_open_script()
        run = self.env["crm.callcenter.script.run"].sudo(self.user1).browse(
            action["res_id"])
        self.assertEqual(run.step_id, self.hello)
        run.action_answer_yes()
        self.assertEqual(run.step_id, self.machine)
        with self.assertRaises(UserError):
            run.action_next()  # no choice made
        run.branch_id = self.machine.branch_ids.filtered(
            lambda b: b.answer == "Lathe")
        run.action_next()
        self.assertEqual(run.step_id, self.mail)
        run.answer_text = "buyer@example.cn"
        run.action_next()
        self.assertTrue(run.done)
        with self.assertRaises(UserError):
            run.action_next()
        answers = {a.step_id: a.answer for a in call.answer_ids}
        self.assertEqual(answers, {self.hello: "yes", self.machine: "Lathe",
                                   self.mail: "buyer@example.cn"})
        self.assertEqual(call.answer_ids.mapped("user_id"), self.user1)
        # walking again replaces the answers, step by step
        again = self.env["crm.callcenter.script.run"].sudo(self.user1).browse(
            Call.browse(call.id).action_open_script()["res_id"])
        again.action_answer_no()
        self.assertEqual(again.step_id, self.later)
        self.assertEqual(len(call.answer_ids), 3)
        self.assertEqual(call.answer_ids.filtered(
            lambda a: a.step_id == self.hello).answer, "no")

    def test_no_script(self):
        self.env["crm.callcenter.script"].search([]).write({"active": False})
        with self.assertRaises(UserError):
            self.call("script-none").action_open_script()

    def test_checks(self):
        Step = self.env["crm.callcenter.script.step"]
        for vals in ({"question_type": "choice"},
                     {"question_type": "yes_no",
                      "branch_ids": [(0, 0, {"answer": "maybe"})]},
                     {"next_step_id": self.hello.id,
                      "script_id": self.support.id}):
            values = {"script_id": self.offer.id, "name": "Bad", "text": "x"}
            values.update(vals)
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                Step.create(values)

    def test_access(self):
        Script = self.env["crm.callcenter.script"]
        self.assertIn(self.offer, Script.sudo(self.user3).search([]))
        self.assertEqual(self.hello.sudo(self.user3).text,
                         "Do you have two minutes?")
        with self.assertRaises(AccessError):
            self.offer.sudo(self.user3).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            Script.sudo(self.user3).create({"name": "Mine"})
        self.offer.sudo(self.supervisor).write({"name": "Offer 2"})
        self.assertEqual(self.offer.name, "Offer 2")
        # answers: on the agent's own calls only
        own = self.call("script-own", user_id=self.user1.id)
        other = self.call("script-other", user_id=self.user2.id)
        Answer = self.env["crm.callcenter.call.answer"].sudo(self.user1)
        Answer.create({"call_id": own.id, "step_id": self.hello.id, "answer": "yes"})
        with self.assertRaises(AccessError):
            Answer.create({"call_id": other.id, "step_id": self.hello.id,
                           "answer": "yes"})
        self.assertFalse(Answer.search([("call_id", "=", other.id)]))
