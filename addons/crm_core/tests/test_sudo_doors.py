"""Doors of crm_core that use sudo() inside and had no test of their own (issue
13): the settings that save the recycle bin's retention with sudo() are the
administrator's; an import wakes its runner with sudo() but only its owner starts
it."""
import base64

from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase

from .common import CrmTestMixin


class TestCoreSudoDoors(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestCoreSudoDoors, cls).setUpClass()
        salesman = ["sales_team.group_sale_salesman"]
        cls.owner = cls.new_user("sudo_import_owner", salesman)
        cls.other = cls.new_user("sudo_import_other", salesman)
        cls.manager = cls.new_user("sudo_settings_manager",
                                   ["sales_team.group_sale_manager"])
        cls.crm_admin = cls.new_user("sudo_settings_admin",
                                     ["crm_core.group_crm_admin"])

    def test_only_administrators_save_the_settings(self):
        param = "crm_core.recycle_retention_days"
        before = self.env["ir.config_parameter"].get_param(param)
        for user in (self.manager, self.crm_admin):
            with self.assertRaises(AccessError, msg=user.login):
                self.rpc(user, "res.config.settings", "create",
                         {"crm_recycle_retention_days": 1})
        self.assertEqual(self.env["ir.config_parameter"].get_param(param), before)

    def test_an_import_is_started_by_its_owner_only(self):
        job = self.env["crm.import.job"].sudo(self.owner).create({
            "kind": "customer", "filename": "c.csv",
            "file": base64.b64encode("客户名称\n上海甲公司\n".encode("utf-8"))})
        cron = self.env.ref("crm_core.ir_cron_import_run")
        nextcall = cron.nextcall
        with self.assertRaises(AccessError):
            self.rpc(self.other, "crm.import.job", "action_start", job.ids)
        self.assertEqual(cron.nextcall, nextcall)
