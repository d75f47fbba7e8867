"""Knowledge base: suggestions on a ticket (category and Chinese keywords, one
query), "This solved it" and the counters, versions and restore, stale articles,
case capture, and who may read and write articles (as ordinary users)."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import ServiceCase

E203_TEXT = "主轴报警 E-203，重启后仍然报警"


class KnowledgeCase(ServiceCase):

    @classmethod
    def setUpClass(cls):
        super(KnowledgeCase, cls).setUpClass()
        cls.portal = cls.new_user("kb_portal", ["base.group_portal"])
        cls.employee = cls.new_user("kb_employee", ["base.group_user"])
        cls.billing = cls.env["crm.service.category"].create({"name": "Billing"})
        # a company of their own keeps the demo articles out of the suggestions
        cls.company = cls.env["res.company"].create({
            "name": "KB Test Co", "parent_id": cls.env.user.company_id.id})

    @classmethod
    def ticket(cls, **vals):
        vals.setdefault("company_id", cls.company.id)
        return super(KnowledgeCase, cls).ticket(**vals)

    @classmethod
    def article(cls, title, state="published", **vals):
        values = {"title": title, "body": "<p>%s body</p>" % title,
                  "author_id": cls.manager.id, "company_id": cls.company.id}
        values.update(vals)
        article = cls.env["crm.service.article"].create(values)
        if state == "published":
            article.sudo(cls.manager).action_publish()
        elif state == "archived":
            article.sudo(cls.manager).action_archive()
        return article


class TestSuggestions(KnowledgeCase):

    @classmethod
    def setUpClass(cls):
        super(TestSuggestions, cls).setUpClass()
        # parent category + all three keywords: 1 + 3
        cls.a_e203 = cls.article("E-203 procedure", category_ids=[
            (6, 0, cls.category.ids)], keywords="E-203, 主轴, 报警")
        # no category, one keyword: 0 + 1
        cls.a_alarm = cls.article("Any alarm", keywords="报警、主轴箱")
        # the ticket's own category, no keyword, good solve rate: 1 + 0
        cls.a_motors_good = cls.article("Motor basics", category_ids=[
            (6, 0, cls.subcategory.ids)])
        cls.a_motors_good.write({"solve_rate": 80.0})
        cls.a_motors = cls.article("Motor care", category_ids=[
            (6, 0, cls.subcategory.ids)])
        # never suggested: another category, a draft, an archived article
        cls.a_billing = cls.article("Invoices", category_ids=[
            (6, 0, cls.billing.ids)], keywords="发票")
        cls.a_draft = cls.article("Draft E-203", state="draft", keywords="E-203")
        cls.a_archived = cls.article("Old E-203", state="archived", keywords="E-203")

    def ours(self, articles):
        mine = (self.a_e203 | self.a_alarm | self.a_motors_good | self.a_motors
                | self.a_billing | self.a_draft | self.a_archived)
        return [a for a in articles if a in mine]

    def test_ranked_by_keywords_and_category_then_solve_rate(self):
        ticket = self.ticket(name=E203_TEXT)
        self.assertEqual(self.ours(ticket.suggested_article_ids), [
            self.a_e203, self.a_alarm, self.a_motors_good, self.a_motors])

    def test_chinese_keywords_match_inside_text_without_spaces(self):
        ticket = self.ticket(name="设备问题", description="客户说机器开机就主轴报警",
                             category_id=self.billing.id)
        # 主轴 and 报警 occur inside the sentence; 主轴箱 does not; 发票 is the
        # category's article without a keyword hit
        self.assertEqual(self.ours(ticket.suggested_article_ids),
                         [self.a_e203, self.a_alarm, self.a_billing])

    def test_keywords_are_case_insensitive(self):
        ticket = self.ticket(name="spindle alarm e-203", category_id=self.billing.id)
        self.assertEqual(self.ours(ticket.suggested_article_ids)[:1], [self.a_e203])

    def test_no_match_suggests_nothing(self):
        ticket = self.ticket(name="Door squeaks", category_id=False)
        self.assertEqual(self.ours(ticket.suggested_article_ids), [])

    def test_at_most_five(self):
        for number in range(6):
            self.article("Motor note %d" % number, keywords="E-203")
        ticket = self.ticket(name=E203_TEXT)
        self.assertEqual(len(ticket.suggested_article_ids), 5)
        self.assertEqual(ticket.suggested_article_ids[0], self.a_e203)

    def test_suggestions_follow_the_form_before_saving(self):
        ticket = self.env["crm.service.ticket"].new(
            {"name": "发票抬头错了", "category_id": self.billing.id,
             "company_id": self.company.id})
        self.assertIn(self.a_billing, ticket.suggested_article_ids)
        self.assertNotIn(self.a_e203, ticket.suggested_article_ids)

    def test_one_query_for_many_tickets(self):
        tickets = self.env["crm.service.ticket"]
        for number in range(6):
            tickets |= self.ticket(name="%s #%d" % (E203_TEXT, number))
        one = self.env["crm.service.ticket"].browse(tickets[0].id)  # alone
        for records in (one, tickets):
            records.read(["name", "description", "category_id", "company_id"])
        self.assertFalse(self.env.user.share)
        with self.count_queries() as single:
            one.mapped("suggested_article_ids")
        with self.count_queries() as many:
            result = tickets.mapped("suggested_article_ids")
        self.assertEqual(single.count, 1)
        self.assertEqual(many.count, 1)
        self.assertIn(self.a_e203, result)
        self.assertEqual(tickets[5].suggested_article_ids[0], self.a_e203)

    def test_portal_users_get_only_public_articles(self):
        self.a_alarm.write({"is_public": True})
        found = self.env["crm.service.article"]._suggest(
            [(E203_TEXT, self.subcategory.id, None)], public_only=True)[0]
        self.assertEqual([i for i in found if i in (self.a_e203 | self.a_alarm).ids],
                         [self.a_alarm.id])


class TestSolvedIt(KnowledgeCase):

    @classmethod
    def setUpClass(cls):
        super(TestSolvedIt, cls).setUpClass()
        cls.a_e203 = cls.article("E-203 procedure", keywords="E-203", body=(
            "<p>Replace the <b>encoder cable</b>.</p>"))
        cls.a_other = cls.article("Encoder check", keywords="E-203")

    def as_agent(self, article, ticket):
        return article.sudo(self.agent).with_context(knowledge_ticket_id=ticket.id)

    def test_opening_counts_one_use_per_ticket(self):
        ticket = self.ticket(name=E203_TEXT, user_id=self.agent.id)
        action = self.as_agent(self.a_e203, ticket).action_open_from_ticket()
        self.assertEqual((action["res_model"], action["res_id"]),
                         ("crm.service.article", self.a_e203.id))
        self.as_agent(self.a_e203, ticket).action_open_from_ticket()
        self.assertEqual(self.a_e203.use_count, 1)
        self.assertTrue(self.a_e203.last_used_date)
        self.assertEqual(ticket.used_article_ids, self.a_e203)
        self.as_agent(self.a_e203, self.ticket(name="other")).action_open_from_ticket()
        self.assertEqual(self.a_e203.use_count, 2)

    def test_this_solved_it_counts_and_fills_the_solution(self):
        ticket = self.ticket(name=E203_TEXT, user_id=self.agent.id)
        self.as_agent(self.a_e203, ticket).action_solved_ticket()
        self.assertEqual(ticket.solution_article_id, self.a_e203)
        self.assertIn("E-203 procedure", ticket.solution)
        self.assertIn("encoder cable", ticket.solution)
        self.assertNotIn("<b>", ticket.solution)
        self.assertEqual((self.a_e203.use_count, self.a_e203.solve_count,
                          self.a_e203.solve_rate), (1, 1, 100.0))
        # the same click again changes nothing
        self.as_agent(self.a_e203, ticket).action_solved_ticket()
        self.assertEqual((self.a_e203.use_count, self.a_e203.solve_count), (1, 1))
        # a second ticket opens the article without being solved by it
        other = self.ticket(name="again", user_id=self.agent.id)
        self.as_agent(self.a_e203, other).action_open_from_ticket()
        self.assertEqual((self.a_e203.use_count, self.a_e203.solve_count,
                          self.a_e203.solve_rate), (2, 1, 50.0))
        # and a third one is solved: 2 of 3
        third = self.ticket(name="third", user_id=self.agent.id)
        self.as_agent(self.a_e203, third).action_solved_ticket()
        self.assertEqual(self.a_e203.solve_rate, 66.67)

    def test_a_written_solution_is_kept(self):
        ticket = self.ticket(name=E203_TEXT, user_id=self.agent.id,
                             solution="Cable replaced on site.")
        self.as_agent(self.a_e203, ticket).action_solved_ticket()
        self.assertEqual(ticket.solution, "Cable replaced on site.")

    def test_changing_the_solving_article_moves_the_count(self):
        ticket = self.ticket(name=E203_TEXT, user_id=self.agent.id)
        self.as_agent(self.a_e203, ticket).action_solved_ticket()
        self.as_agent(self.a_other, ticket).action_solved_ticket()
        self.assertEqual(ticket.solution_article_id, self.a_other)
        self.assertEqual((self.a_e203.solve_count, self.a_e203.solve_rate), (0, 0.0))
        self.assertEqual((self.a_other.solve_count, self.a_other.solve_rate),
                         (1, 100.0))

    def test_refused_without_a_ticket_or_for_a_draft_or_cancelled_ticket(self):
        with self.assertRaisesRegex(UserError, "Save the ticket first"):
            self.a_e203.sudo(self.agent).action_solved_ticket()
        ticket = self.ticket(name=E203_TEXT, user_id=self.agent.id)
        draft = self.article("Draft", state="draft", author_id=self.agent.id)
        with self.assertRaisesRegex(UserError, "Only a published article"):
            self.as_agent(draft, ticket).action_solved_ticket()
        ticket.cancel("duplicate")
        with self.assertRaisesRegex(UserError, "cancelled"):
            self.as_agent(self.a_e203, ticket).action_solved_ticket()
        self.assertEqual((self.a_e203.use_count, self.a_e203.solve_count), (0, 0))

    def test_an_agent_cannot_use_another_queues_ticket(self):
        ticket = self.ticket(name=E203_TEXT, category_id=False,
                             team_id=self.other_team.id)
        with self.assertRaises(AccessError):
            self.as_agent(self.a_e203, ticket).action_solved_ticket()
        with self.assertRaises(AccessError):
            self.as_agent(self.a_e203, ticket).action_open_from_ticket()
        self.assertEqual(self.a_e203.use_count, 0)

    def test_case_capture_makes_a_draft_from_the_ticket(self):
        ticket = self.ticket(name="Belt slips", description="Belt <slips> at load",
                             user_id=self.agent.id)
        with self.assertRaisesRegex(UserError, "Write the solution"):
            ticket.sudo(self.agent).action_capture_article()
        ticket.write({"solution": "Tightened the belt to 45 N."})
        action = ticket.sudo(self.agent).action_capture_article()
        article = self.env["crm.service.article"].browse(action["res_id"])
        self.assertEqual((article.state, article.title, article.author_id),
                         ("draft", "Belt slips", self.agent))
        self.assertEqual(article.category_ids, self.subcategory)
        self.assertIn("Tightened the belt", article.body)
        self.assertIn("&lt;slips&gt;", article.body)


class TestVersions(KnowledgeCase):

    def test_each_published_edit_keeps_the_previous_text(self):
        article = self.article("Spindle alarm", body="<p>Restart.</p>")
        self.assertEqual((article.version, article.version_user_id),
                         (1, self.env.user))
        article.sudo(self.manager).write({"body": "<p>Replace the cable.</p>"})
        self.assertEqual(article.version, 2)
        self.assertEqual(article.version_user_id, self.manager)
        old = article.version_ids
        self.assertEqual(len(old), 1)
        self.assertEqual((old.version, old.title, old.author_id),
                         (1, "Spindle alarm", self.env.user))
        self.assertIn("Restart.", old.body)
        # other fields make no version; neither does writing the same text
        article.sudo(self.manager).write({"keywords": "E-203", "is_public": True,
                                          "body": article.body})
        self.assertEqual((article.version, len(article.version_ids)), (2, 1))

    def test_drafts_have_no_versions(self):
        draft = self.article("Draft", state="draft")
        draft.write({"title": "Draft 2", "body": "<p>New</p>"})
        self.assertEqual((draft.version, len(draft.version_ids)), (1, 0))

    def test_restore_brings_back_a_version_and_keeps_the_current_one(self):
        article = self.article("Spindle alarm", body="<p>Restart.</p>")
        article.sudo(self.manager).write({"title": "Spindle alarm E-203",
                                          "body": "<p>Replace the cable.</p>"})
        first = article.version_ids.filtered(lambda v: v.version == 1)
        first.sudo(self.manager).action_restore()
        self.assertEqual(article.title, "Spindle alarm")
        self.assertIn("Restart.", article.body)
        self.assertEqual(article.version, 3)
        self.assertEqual(article.version_ids.mapped("version"), [2, 1])
        second = article.version_ids.filtered(lambda v: v.version == 2)
        self.assertEqual(second.title, "Spindle alarm E-203")
        self.assertIn("Replace the cable.", second.body)

    def test_only_managers_restore(self):
        article = self.article("Spindle alarm", body="<p>Restart.</p>")
        article.sudo(self.manager).write({"body": "<p>Replace the cable.</p>"})
        version = article.version_ids.sudo(self.agent)
        self.assertEqual(version.title, "Spindle alarm")  # agents read versions
        with self.assertRaises(AccessError):
            version.action_restore()
        with self.assertRaises(AccessError):
            self.env["crm.service.article.version"].sudo(self.agent).create({
                "article_id": article.id, "version": 9, "title": "Forged"})
        self.assertIn("Replace the cable.", article.body)


class TestStale(KnowledgeCase):

    def set_last_used(self, article, days):
        when = fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days)
        self.env.cr.execute(
            "UPDATE crm_service_article SET last_used_date = %s WHERE id = %s",
            (fields.Datetime.to_string(when), article.id))
        article.invalidate_cache()

    def test_daily_job_flags_articles_not_used_for_n_days(self):
        Article = self.env["crm.service.article"]
        old = self.article("Old")
        recent = self.article("Recent")
        old_draft = self.article("Old draft", state="draft")
        self.set_last_used(old, 200)
        self.set_last_used(recent, 10)
        self.set_last_used(old_draft, 400)
        Article._cron_mark_stale()
        self.assertEqual((old.is_stale, recent.is_stale, old_draft.is_stale),
                         (True, False, False))
        stale = Article.search([("is_stale", "=", True)])
        self.assertIn(old, stale)
        self.assertNotIn(recent, stale)
        # N is a system parameter
        self.env["ir.config_parameter"].set_param("crm_service.article_stale_days", "5")
        Article._cron_mark_stale()
        self.assertEqual((old.is_stale, recent.is_stale), (True, True))
        # using an article makes it fresh at once
        ticket = self.ticket(name="x")
        old.with_context(knowledge_ticket_id=ticket.id).action_open_from_ticket()
        self.assertFalse(old.is_stale)

    def test_never_used_articles_count_from_their_publication(self):
        article = self.article("Never used")
        Article = self.env["crm.service.article"]
        Article._cron_mark_stale()
        self.assertFalse(article.is_stale)
        past = fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=181)
        self.env.cr.execute(
            "UPDATE crm_service_article SET published_date = %s WHERE id = %s",
            (fields.Datetime.to_string(past), article.id))
        Article._cron_mark_stale()
        article.invalidate_cache()
        self.assertTrue(article.is_stale)
        article.sudo(self.manager).action_archive()
        Article._cron_mark_stale()
        self.assertFalse(article.is_stale)

    def test_a_bad_parameter_is_named(self):
        param = self.env["ir.config_parameter"]
        for value in ("abc", "0", "-3"):
            param.set_param("crm_service.article_stale_days", value)
            with self.assertRaisesRegex(UserError, "crm_service.article_stale_days"):
                self.env["crm.service.article"]._cron_mark_stale()


class TestArticleSecurity(KnowledgeCase):

    @classmethod
    def setUpClass(cls):
        super(TestArticleSecurity, cls).setUpClass()
        cls.public = cls.article("Public", is_public=True)
        cls.internal = cls.article("Internal", is_public=False)
        cls.public_draft = cls.article("Public draft", state="draft", is_public=True)
        cls.agent_draft = cls.article("Agent draft", state="draft",
                                      author_id=cls.agent.id)

    def visible(self, user):
        ours = self.public | self.internal | self.public_draft | self.agent_draft
        return self.env["crm.service.article"].sudo(user).search(
            [("id", "in", ours.ids)])

    def test_portal_reads_only_published_public_articles(self):
        self.assertEqual(self.visible(self.portal).ids, self.public.ids)
        self.assertEqual(self.public.sudo(self.portal).title, "Public")
        for hidden in (self.internal, self.public_draft):
            with self.assertRaises(AccessError):
                hidden.sudo(self.portal).read(["title"])
        with self.assertRaises(AccessError):
            self.public.sudo(self.portal).write({"title": "Hacked"})
        with self.assertRaises(AccessError):
            self.env["crm.service.article"].sudo(self.portal).create({"title": "X"})
        self.public.sudo(self.manager).action_archive()
        self.assertFalse(self.visible(self.portal))

    def test_employees_read_published_articles_and_their_own_drafts(self):
        self.assertEqual(set(self.visible(self.employee).ids),
                         {self.public.id, self.internal.id})
        self.assertEqual(set(self.visible(self.agent).ids),
                         {self.public.id, self.internal.id, self.agent_draft.id})
        with self.assertRaises(AccessError):
            self.public_draft.sudo(self.agent).read(["title"])
        with self.assertRaises(AccessError):
            self.env["crm.service.article"].sudo(self.employee).create({"title": "X"})

    def test_agents_write_their_own_drafts_only(self):
        mine = self.env["crm.service.article"].sudo(self.agent).create(
            {"title": "My draft", "keywords": "主轴，报警"})
        self.assertEqual((mine.author_id, mine.state, mine.keywords),
                         (self.agent, "draft", "主轴, 报警"))
        mine.write({"body": "<p>Steps</p>"})
        self.agent_draft.sudo(self.agent).write({"title": "Agent draft 2"})
        with self.assertRaises(AccessError):
            self.public.sudo(self.agent).write({"title": "Changed"})
        with self.assertRaises(AccessError):
            self.public_draft.sudo(self.agent).write({"title": "Changed"})
        with self.assertRaises(AccessError):
            self.env["crm.service.article"].sudo(self.agent).create(
                {"title": "Someone else's", "author_id": self.agent2.id})
        with self.assertRaisesRegex(UserError, "Only a service manager"):
            mine.sudo(self.agent).action_publish()
        with self.assertRaisesRegex(UserError, "only through its buttons"):
            mine.sudo(self.agent).write({"state": "published"})
        self.assertEqual(mine.state, "draft")

    def test_managers_publish_and_edit_everything(self):
        self.agent_draft.sudo(self.manager).write({"title": "Reviewed"})
        self.agent_draft.sudo(self.manager).action_publish()
        self.assertEqual(self.agent_draft.state, "published")
        self.assertTrue(self.agent_draft.published_date)
        with self.assertRaisesRegex(UserError, "allowed only from"):
            self.agent_draft.sudo(self.manager).action_publish()
        self.public.sudo(self.manager).write({"title": "Public v2"})
        self.assertEqual(self.public.version, 2)

    def test_tags_are_configured_by_managers(self):
        tags = self.env["crm.service.article.tag"]
        tag = tags.sudo(self.manager).create({"name": "KB test tag"})
        self.assertEqual(tag.sudo(self.portal).name, "KB test tag")
        with self.assertRaises(AccessError):
            tags.sudo(self.agent).create({"name": "Agent tag"})
        with self.assertRaises(AccessError):
            tag.sudo(self.portal).write({"name": "Portal tag"})
