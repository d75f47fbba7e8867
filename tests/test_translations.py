"""Every term of our four addons (labels, menus, views, groups, code strings, data) has
a Simplified Chinese translation in its i18n/zh_CN.po."""
from odoo.addons.crm_core.tests.common import untranslated_terms
from odoo.tests.common import TransactionCase

OUR_ADDONS = ("crm_core", "crm_service", "crm_callcenter", "crm_analytics")


class TestTranslations(TransactionCase):

    def test_every_term_is_translated(self):
        for addon in OUR_ADDONS:
            missing = untranslated_terms(self.env.cr, addon)
            self.assertEqual(
                missing, [],
                "%s: untranslated in zh_CN.po:\n%s" % (addon, "\n".join(missing)))

    def test_translations_reach_the_user(self):
        """The zh_CN.po is loaded: a Chinese user reads our menus in Chinese."""
        menu = self.env.ref("crm_callcenter.crm_callcenter_menu")
        self.assertEqual(menu.with_context(lang="zh_CN").name, "呼叫中心")
