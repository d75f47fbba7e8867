"""Smoke test across the four addons: for a user of each role, every menu of the CRM
app they can see opens (each view of its action loads and its records can be read),
and each role sees its own sections and not the others'."""
from odoo.addons.crm_core.tests.common import CrmTestMixin
from odoo.tests.common import SavepointCase
from odoo.tools.safe_eval import safe_eval

ROLES = {
    "rep": ["sales_team.group_sale_salesman"],
    "teamlead": ["crm_core.group_sale_team_leader"],
    "salesmanager": ["sales_team.group_sale_manager"],
    "marketing": ["crm_core.group_marketing_user"],
    "marketingmanager": ["crm_core.group_marketing_manager"],
    "agent": ["crm_core.group_callcenter_agent"],
    "supervisor": ["crm_core.group_callcenter_supervisor"],
    "service": ["crm_core.group_service_agent"],
    "servicemanager": ["crm_core.group_service_manager"],
    "analyst": ["crm_core.group_analyst"],
    "crmadmin": ["crm_core.group_crm_admin"],
}

SECTIONS = {
    "crm.crm_menu_pipeline": {"rep", "teamlead", "salesmanager", "crmadmin"},
    "crm_core.crm_core_marketing_menu": {"marketing", "marketingmanager", "crmadmin"},
    "crm_service.crm_service_menu": {"service", "servicemanager", "crmadmin"},
    "crm_callcenter.crm_callcenter_menu": {"agent", "supervisor", "crmadmin"},
    "crm_analytics.crm_analytics_menu": {"analyst", "salesmanager", "crmadmin"},
    "crm.res_partner_menu_crm": set(ROLES),
}


class TestMenusByRole(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestMenusByRole, cls).setUpClass()
        cls.users = {
            role: cls.new_user("smoke_%s" % role, ["base.group_user"] + groups)
            for role, groups in ROLES.items()
        }
        cls.root = cls.env.ref("crm.crm_menu_root")

    def _visible_menus(self, user):
        """The CRM app's menus as the web client loads them for ``user``."""
        tree = self.env["ir.ui.menu"].sudo(user).load_menus(debug=False)
        app = [c for c in tree["children"] if c["id"] == self.root.id]
        found = []

        def walk(nodes):
            for node in nodes:
                found.append(node)
                walk(node["children"])

        walk(app)
        return found

    def _open(self, user, action_ref):
        """Do what the web client does when the user clicks the menu: load each view
        of the action and read the fields that view shows (grouped for pivot and
        graph views)."""
        model, action_id = action_ref.split(",")
        if model != "ir.actions.act_window":
            return
        action = self.env[model].sudo(user).browse(int(action_id)).read()[0]
        ctx = safe_eval(action["context"] or "{}", {"uid": user.id, "active_id": False})
        records = self.env(user=user.id)[action["res_model"]].with_context(**ctx)
        domain = safe_eval(action["domain"] or "[]", {"uid": user.id})
        for view_id, view_type in action["views"]:
            view = records.fields_view_get(view_id=view_id, view_type=view_type)
            self.assertTrue(view["arch"])
            if view_type in ("pivot", "graph"):
                measures = [name for name, field in view["fields"].items()
                            if field["type"] in ("integer", "float", "monetary")]
                records.read_group(domain, measures or ["__count"], [])
            elif view_type in ("tree", "kanban", "form", "calendar"):
                records.search_read(domain, list(view["fields"]), limit=1)

    def test_every_visible_menu_opens(self):
        for role, user in self.users.items():
            menus = self._visible_menus(user)
            self.assertTrue(menus, "%s sees no CRM app" % role)
            opened = 0
            for menu in menus:
                if menu["action"]:
                    with self.subTest(role=role, menu=menu["name"]):
                        self._open(user, menu["action"])
                        opened += 1
            self.assertGreater(opened, 0, "%s can open no CRM menu" % role)

    def test_each_role_sees_its_sections_only(self):
        for role, user in self.users.items():
            visible = {m["id"] for m in self._visible_menus(user)}
            for xmlid, roles in SECTIONS.items():
                menu = self.env.ref(xmlid)
                with self.subTest(role=role, section=xmlid):
                    if role in roles:
                        self.assertIn(menu.id, visible,
                                      "%s should see %s" % (role, xmlid))
                    else:
                        self.assertNotIn(menu.id, visible,
                                         "%s should not see %s" % (role, xmlid))
