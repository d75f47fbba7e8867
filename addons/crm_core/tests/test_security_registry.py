"""Walks the registry: every model our addons create has access rights, no group-less
line grants write, and every group that can open a CRM menu can read its model."""
from odoo.tests.common import SavepointCase

from ..lib.acl_audit import Acl, Use, find_problems

OUR_ADDONS = ("crm_core", "crm_service", "crm_callcenter", "crm_analytics")


class TestSecurityRegistry(SavepointCase):

    def _our_models(self):
        data = self.env["ir.model.data"].search(
            [("model", "=", "ir.model"), ("module", "in", OUR_ADDONS)]
        )
        models = self.env["ir.model"].browse(data.mapped("res_id")).exists()
        return [
            m.model for m in models
            if m.model in self.env
            and not self.env[m.model]._transient
            and not self.env[m.model]._abstract
        ]

    def _acls(self, models):
        lines = self.env["ir.model.access"].search([("model_id.model", "in", models)])
        data = self.env["ir.model.data"].search(
            [("model", "=", "ir.model.access"), ("module", "in", OUR_ADDONS)])
        ours = self.env["ir.model.access"].browse(data.mapped("res_id"))
        lines |= ours
        xmlids = lines.mapped("group_id").get_external_id()
        return [
            Acl(line.name, line.model_id.model,
                xmlids.get(line.group_id.id) if line.group_id else None,
                line.perm_read, line.perm_write, line.perm_create, line.perm_unlink,
                line in ours)
            for line in lines
        ]

    def _menu_uses(self):
        """(group, model) for every window action under the CRM app menu."""
        root = self.env.ref("crm.crm_menu_root")
        menus = self.env["ir.ui.menu"].with_context(active_test=False).search(
            [("id", "child_of", root.id)]
        )
        uses = []
        for menu in menus:
            action = menu.action
            if not action or action._name != "ir.actions.act_window":
                continue
            if self.env[action.res_model]._transient:
                continue  # wizards have no access rights in Odoo 11
            groups = self.env["res.groups"]
            node = menu
            while node and not groups:
                groups = node.groups_id
                node = node.parent_id
            for xmlid in groups.get_external_id().values():
                reason = "menu %s" % menu.complete_name
                uses.append(Use(xmlid, action.res_model, reason))
        return uses

    def _implied(self, uses):
        names = {use.group for use in uses}
        implied = {}
        for name in names:
            group = self.env.ref(name)
            closure = group | group.trans_implied_ids
            implied[name] = set(closure.get_external_id().values())
        return implied

    def test_access_rights_are_sound(self):
        uses = self._menu_uses()
        models = self._our_models()
        used_models = sorted({use.model for use in uses} | set(models))
        acls = self._acls(used_models)
        problems = find_problems(models, acls, uses, self._implied(uses))
        self.assertEqual(problems, [], "\n".join(problems))

    def test_the_crm_app_is_covered(self):
        """The walk really sees our menus (an empty walk would prove nothing)."""
        models = {use.model for use in self._menu_uses()}
        self.assertIn("res.partner", models)
        self.assertIn("crm.opportunity.report", models)
