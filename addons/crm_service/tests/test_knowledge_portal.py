"""The self-service knowledge base over real HTTP: anonymous visitors and portal
users see published public articles at /knowledge and get 404 for drafts,
archived and internal ones; portal users find the entry on their /my home."""
import requests
from odoo.tests.common import get_db_name

from odoo.addons.crm_core.tests.http_case import ClientErrorsQuietHandler, HttpCase

PORTAL_PASSWORD = "kb-portal-secret"


class TestKnowledgePortal(HttpCase):

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        manager = cls.new_user("kbh_manager", ["crm_core.group_service_manager"])
        cls.portal = cls.new_user("kbh_portal", ["base.group_portal"],
                                  password=PORTAL_PASSWORD)
        category = cls.env["crm.service.category"]
        cls.machines = category.create({"name": "KBH Machines"})
        cls.spindles = category.create({"name": "KBH Spindles",
                                        "parent_id": cls.machines.id})
        cls.billing = category.create({"name": "KBH Billing"})
        articles = cls.env["crm.service.article"]
        cls.public = articles.create({
            "title": "KBH 主轴报警 E-203 处理方法", "keywords": "E-203, 主轴, 报警",
            "body": "<p>KBH 断电五分钟后复位</p>", "is_public": True,
            "category_ids": [(6, 0, cls.spindles.ids)]})
        cls.public_billing = articles.create({
            "title": "KBH invoice title change", "keywords": "发票",
            "body": "<p>KBH send the new title</p>", "is_public": True,
            "category_ids": [(6, 0, cls.billing.ids)]})
        cls.internal = articles.create({
            "title": "KBH internal spindle teardown", "keywords": "主轴",
            "body": "<p>KBH remove the guard</p>", "is_public": False,
            "category_ids": [(6, 0, cls.spindles.ids)]})
        cls.draft = articles.create({
            "title": "KBH draft spindle note", "keywords": "主轴",
            "body": "<p>KBH not reviewed</p>", "is_public": True,
            "category_ids": [(6, 0, cls.spindles.ids)]})
        cls.archived = articles.create({
            "title": "KBH archived spindle note", "is_public": True,
            "category_ids": [(6, 0, cls.spindles.ids)]})
        published = cls.public | cls.public_billing | cls.internal | cls.archived
        published.sudo(manager).action_publish()
        cls.archived.sudo(manager).action_archive()

    def get(self, path, session=None, **params):
        with self.served():
            return (session or requests).get(self.base_url + path, params=params,
                                             timeout=60)

    def login(self, login, password):
        session = requests.Session()
        with self.served():
            response = session.post(
                self.base_url + "/web/session/authenticate", timeout=60,
                json={"jsonrpc": "2.0", "method": "call", "params": {
                    "db": get_db_name(), "login": login, "password": password}})
        self.assertEqual(response.json()["result"]["uid"], self.portal.id)
        return session

    def assert_public_only(self, session=None):
        response = self.get("/knowledge", session=session, search="KBH")
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertIn(self.public.title, response.text)
        self.assertIn(self.public_billing.title, response.text)
        for hidden in (self.internal, self.draft, self.archived):
            self.assertNotIn(hidden.title, response.text)
        response = self.get("/knowledge/%d" % self.public.id, session=session)
        self.assertEqual(response.status_code, 200)
        self.assertIn("KBH 断电五分钟后复位", response.text)
        for hidden in (self.internal, self.draft, self.archived):
            response = self.get("/knowledge/%d" % hidden.id, session=session)
            self.assertEqual(response.status_code, 404, hidden.title)
            self.assertNotIn(hidden.title, response.text)
        self.assertEqual(self.get("/knowledge/2147483000",
                                  session=session).status_code, 404)

    def test_anonymous_visitors_see_public_articles_only(self):
        self.assert_public_only()

    def test_portal_users_see_public_articles_only(self):
        session = self.login(self.portal.login, PORTAL_PASSWORD)
        self.assert_public_only(session)
        home = self.get("/my/home", session=session)
        self.assertEqual(home.status_code, 200)
        self.assertIn('href="/knowledge"', home.text)
        self.assertIn("Knowledge Base", home.text)

    def test_search_by_chinese_keyword_and_by_category(self):
        response = self.get("/knowledge", search="主轴 KBH")
        self.assertIn(self.public.title, response.text)
        self.assertNotIn(self.public_billing.title, response.text)
        # a parent category finds the articles of its sub-categories
        response = self.get("/knowledge", category=str(self.machines.id))
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.public.title, response.text)
        self.assertNotIn(self.public_billing.title, response.text)
        self.assertNotIn(self.internal.title, response.text)
        response = self.get("/knowledge", category=str(self.spindles.id),
                            search="KBH")
        self.assertIn(self.public.title, response.text)
        self.assertNotIn(self.public_billing.title, response.text)
        response = self.get("/knowledge", search="KBH 发票")
        self.assertIn(self.public_billing.title, response.text)
        self.assertNotIn(self.public.title, response.text)
        response = self.get("/knowledge", search="KBH-nothing-like-this")
        self.assertEqual(response.status_code, 200)
        self.assertIn("No article matches your search", response.text)

    def test_bad_parameters_are_400_not_500(self):
        response = self.get("/knowledge", category="abc")
        self.assertEqual(response.status_code, 400)
        self.assertIn("category", response.text)
        response = self.get("/knowledge", search="x" * 101)
        self.assertEqual(response.status_code, 400)
        self.assertIn("search", response.text)
        response = self.get("/knowledge", category=str(self.internal.id + 10 ** 6))
        self.assertEqual(response.status_code, 404)
