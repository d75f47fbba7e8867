"""Who reads and writes the routing, IVR, script, outbound, dialing, import and
statistics records, as ordinary users: supervisors configure them, agents read
queues, skills and scripts (and change none), analysts read the statistics, and
a user outside the call center sees none of them."""
import base64

from odoo.exceptions import AccessError

from .acd_common import AcdCase


class TestAcdAccess(AcdCase):

    @classmethod
    def setUpClass(cls):
        super(TestAcdAccess, cls).setUpClass()
        cls.stranger = cls.new_user("acd_stranger", ["base.group_user"])
        env = cls.env
        cls.menu = env["crm.callcenter.ivr.menu"].create({
            "name": "Sec", "code": "sec", "connection_id": cls.connection.id,
            "prompt": "Press 1."})
        cls.option = env["crm.callcenter.ivr.option"].create({
            "menu_id": cls.menu.id, "digit": "1", "label": "Sales",
            "queue_id": cls.queue_sales.id})
        cls.script = env["crm.callcenter.script"].create({"name": "Sec script"})
        cls.step = env["crm.callcenter.script.step"].create({
            "script_id": cls.script.id, "name": "Q", "text": "Yes?",
            "question_type": "yes_no"})
        cls.branch = env["crm.callcenter.script.branch"].create({
            "step_id": cls.step.id, "answer": "no"})
        cls.job = env["crm.callcenter.cdr.import"].create({
            "connection_id": cls.connection.id,
            "file": base64.b64encode(b"x,y\n")})
        cls.job.column_ids.filtered(lambda c: c.field == "start").field = False
        cls.error = env["crm.callcenter.cdr.import.error"].create({
            "import_id": cls.job.id, "line": 1, "message": "bad"})
        cls.agent_skill = cls.agent1.skill_ids[:1]
        cls.records = {
            "skill": cls.skill_zh, "agent_skill": cls.agent_skill,
            "queue": cls.queue_sales, "ivr_menu": cls.menu, "ivr_option": cls.option,
            "script": cls.script, "step": cls.step, "branch": cls.branch,
            "cdr_import": cls.job, "cdr_column": cls.job.column_ids[:1],
            "cdr_error": cls.error,
        }

    def can_read(self, user, record):
        try:
            record.sudo(user).read(["display_name"])
            return True
        except AccessError:
            return False

    def can_write(self, user, record):
        """What a write would check: the access rights, then the record rules."""
        try:
            record.sudo(user).check_access_rights("write")
            record.sudo(user).check_access_rule("write")
            return True
        except AccessError:
            return False

    def test_supervisors_configure(self):
        for name, record in self.records.items():
            with self.subTest(model=name):
                self.assertTrue(self.can_read(self.supervisor, record))
                # an import's error report is the import's, not to be edited
                self.assertEqual(self.can_write(self.supervisor, record),
                                 name != "cdr_error")

    def test_agents_read_what_they_work_with(self):
        readable = {"skill", "agent_skill", "queue", "script", "step", "branch"}
        for name, record in self.records.items():
            with self.subTest(model=name):
                self.assertEqual(self.can_read(self.user3, record), name in readable)
                self.assertFalse(self.can_write(self.user3, record))

    def test_outsiders_see_nothing(self):
        for name, record in self.records.items():
            with self.subTest(model=name):
                self.assertFalse(self.can_read(self.stranger, record))
        with self.assertRaises(AccessError):
            self.env["crm.callcenter.call.report"].sudo(self.stranger).search([])
        with self.assertRaises(AccessError):
            self.env["crm.callcenter.dial.log"].sudo(self.stranger).search([])
        with self.assertRaises(AccessError):
            self.env["crm.callcenter.call.list"].sudo(self.stranger).search([])

    def test_analysts_read_statistics_only(self):
        self.call("sec-1", disposition="answered", talk_seconds=40,
                  user_id=self.user1.id)
        rows = self.env["crm.callcenter.call.report"].sudo(self.analyst).search(
            [("call_id.pbx_call_id", "=", "sec-1")])
        self.assertEqual((len(rows), rows.talk_seconds), (1, 40))
        self.assertTrue(self.can_read(self.analyst, self.queue_sales))
        self.assertFalse(self.can_write(self.analyst, self.queue_sales))
        self.assertFalse(self.can_read(self.analyst, self.script))
