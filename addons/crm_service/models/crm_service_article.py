from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..lib.keywords import SQL_SEPARATORS, normalize_keywords

ARTICLE_STATES = [
    ("draft", "Draft"),
    ("published", "Published"),
    ("archived", "Archived"),
]
#: where each action may start from, and where it leads
ARTICLE_TRANSITIONS = {
    "publish": (("draft", "archived"), "published"),
    "archive": (("draft", "published"), "archived"),
    "draft": (("archived",), "draft"),
}
#: the system parameter holding the days without use after which a published
#: article is flagged stale
STALE_DAYS_PARAM = "crm_service.article_stale_days"
DEFAULT_STALE_DAYS = 180


class CrmServiceArticle(models.Model):
    """A knowledge article (专家知识): how to recognise and solve a problem.
    Agents see the articles that fit a ticket (by category and keywords), mark the
    one that solved it, and the counters tell which articles work and which are
    stale. Published public articles are the customers' self-service pages."""

    _name = "crm.service.article"
    _description = "Knowledge Article"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "solve_rate desc, use_count desc, id desc"
    _rec_name = "title"
    # workflow-owned (issue 13): an article is signed by its author
    _crm_guarded_fields = {"author_id": "crm_core.group_service_manager"}
    _crm_guard_own = {"author_id": "user"}

    title = fields.Char(required=True, track_visibility="onchange")
    body = fields.Html()
    category_ids = fields.Many2many(
        "crm.service.category", "crm_service_article_category_rel", "article_id",
        "category_id", "Categories",
        help="Tickets of these categories, or of their sub-categories, get this "
             "article suggested.")
    tag_ids = fields.Many2many(
        "crm.service.article.tag", "crm_service_article_tag_rel", "article_id",
        "tag_id", "Tags")
    keywords = fields.Char(
        help="Words or phrases that identify the problem, separated by commas, 、 or "
             "spaces (E-203, 主轴, 报警). A keyword matches when the ticket's subject "
             "or description contains it.")
    state = fields.Selection(
        ARTICLE_STATES, "Status", default="draft", required=True, readonly=True,
        copy=False, index=True, track_visibility="onchange")
    is_public = fields.Boolean(
        "Public", index=True, track_visibility="onchange",
        help="Published public articles are shown to customers on the portal and to "
             "visitors of the knowledge base pages.")
    author_id = fields.Many2one(
        "res.users", index=True, default=lambda self: self.env.user,
        track_visibility="onchange")
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.user.company_id)
    published_date = fields.Datetime(readonly=True, copy=False)

    # versions
    version = fields.Integer(default=1, required=True, readonly=True, copy=False)
    version_user_id = fields.Many2one(
        "res.users", "Version Author", readonly=True, copy=False,
        default=lambda self: self.env.user)
    version_date = fields.Datetime(readonly=True, copy=False,
                                   default=fields.Datetime.now)
    version_ids = fields.One2many("crm.service.article.version", "article_id",
                                  "Previous Versions", readonly=True, copy=False)

    # effectiveness
    use_count = fields.Integer(
        "Uses", default=0, readonly=True, copy=False,
        help="Tickets on which the article was opened or marked as the solution.")
    solve_count = fields.Integer(
        "Solved", default=0, readonly=True, copy=False,
        help="Tickets the article solved (the agent clicked \"This solved it\").")
    solve_rate = fields.Float(
        "Solve Rate (%)", default=0.0, readonly=True, copy=False,
        group_operator="avg",
        help="Solved tickets per 100 uses.")
    last_used_date = fields.Datetime(readonly=True, copy=False)
    is_stale = fields.Boolean(
        "Stale", readonly=True, copy=False, index=True,
        help="Published and not used for longer than the system parameter "
             "crm_service.article_stale_days (180 days unless set); checked daily.")
    solved_ticket_ids = fields.One2many(
        "crm.service.ticket", "solution_article_id", "Solved Tickets",
        readonly=True)

    # -- CRUD --------------------------------------------------------------

    @api.model
    def create(self, vals):
        return super(CrmServiceArticle, self).create(self._prepare_keywords(vals))

    @api.multi
    def write(self, vals):
        if "state" in vals and not self.env.context.get("crm_service_article_state"):
            raise UserError(_(
                "The status of an article changes only through its buttons "
                "(Publish, Archive, Back to Draft)."))
        vals = self._prepare_keywords(vals)
        if not {"title", "body"} & set(vals):
            return super(CrmServiceArticle, self).write(vals)
        versioned = self.filtered(lambda a: a.state == "published"
                                  and a._text_changes(vals))
        now = fields.Datetime.now()
        for article in versioned:
            article._save_version()
            super(CrmServiceArticle, article).write(dict(
                vals, version=article.version + 1, version_user_id=self.env.uid,
                version_date=now))
        rest = self - versioned
        if rest:
            super(CrmServiceArticle, rest).write(vals)
        return True

    @staticmethod
    def _prepare_keywords(vals):
        if "keywords" in vals:
            vals = dict(vals, keywords=normalize_keywords(vals["keywords"]))
        return vals

    def _text_changes(self, vals):
        return any(name in vals and (vals[name] or False) != (self[name] or False)
                   for name in ("title", "body"))

    def _save_version(self):
        """Keep the article's current text as a version, before an edit of a
        published article replaces it."""
        self.ensure_one()
        return self.env["crm.service.article.version"].create({
            "article_id": self.id,
            "version": self.version,
            "title": self.title,
            "body": self.body,
            "author_id": self.version_user_id.id,
            "date": self.version_date,
        })

    # -- actions -----------------------------------------------------------

    def _set_state(self, action, vals=None):
        if not self.env.user.has_group("crm_core.group_service_manager"):
            raise UserError(_("Only a service manager can publish or archive "
                              "knowledge articles."))
        sources, target = ARTICLE_TRANSITIONS[action]
        labels = dict(self._fields["state"]._description_selection(self.env))
        wrong = self.filtered(lambda a: a.state not in sources)
        if wrong:
            raise UserError(_(
                "Article \"%(title)s\" is %(state)s: allowed only from %(sources)s.")
                % {"title": wrong[0].title, "state": labels[wrong[0].state],
                   "sources": ", ".join(labels[s] for s in sources)})
        values = dict(vals or {}, state=target)
        return self.with_context(crm_service_article_state=True).write(values)

    @api.multi
    def action_publish(self):
        now = fields.Datetime.now()
        first = self.filtered(lambda a: not a.published_date)
        rest = self - first
        if first:
            first._set_state("publish", {"published_date": now, "is_stale": False})
        if rest:
            rest._set_state("publish", {"is_stale": False})
        return True

    @api.multi
    def action_archive(self):
        return self._set_state("archive", {"is_stale": False})

    @api.multi
    def action_draft(self):
        return self._set_state("draft")

    @api.multi
    def action_view_solved_tickets(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Solved Tickets"),
            "res_model": "crm.service.ticket",
            "view_mode": "tree,form",
            "domain": [("solution_article_id", "=", self.id)],
        }

    @api.multi
    def action_view_used_tickets(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Tickets that Used the Article"),
            "res_model": "crm.service.ticket",
            "view_mode": "tree,form",
            "domain": [("used_article_ids", "in", self.ids)],
        }

    @api.multi
    def action_open_from_ticket(self):
        """Open the article from a ticket's Knowledge tab: counts one use of the
        article for that ticket."""
        self.ensure_one()
        ticket = self._context_ticket()
        self._register_use(ticket)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.multi
    def action_solved_ticket(self):
        """"This solved it" on a ticket's Knowledge tab."""
        self.ensure_one()
        self._context_ticket().solve_with_article(self)
        return True

    def _context_ticket(self):
        ticket_id = self.env.context.get("knowledge_ticket_id")
        ticket = self.env["crm.service.ticket"].browse(
            ticket_id if isinstance(ticket_id, int) else []).exists()
        if not ticket:
            raise UserError(_("Save the ticket first: the article is used from a "
                              "ticket's Knowledge tab."))
        ticket.check_access_rights("read")
        ticket.check_access_rule("read")
        return ticket

    # -- counters (SQL: concurrent agents never lose a count) -----------------

    def _register_use(self, ticket):
        """Count one use of each article of ``self`` by ``ticket``; a ticket counts
        once per article, however often it opens it. The counters are not the
        agent's to write, so they bypass the article's write rules."""
        if not self:
            return
        # one statement: the ticket's first use of an article adds 1 to its uses
        self.env.cr.execute("""
            WITH added AS (
                INSERT INTO crm_service_ticket_article_use_rel (ticket_id, article_id)
                SELECT %(ticket)s, unnest(%(ids)s::int[])
                ON CONFLICT DO NOTHING
                RETURNING article_id
            ), article AS (
                SELECT a.id, (a.id IN (SELECT article_id FROM added))::int AS added
                  FROM crm_service_article a
                 WHERE a.id = ANY(%(ids)s)
            )
            UPDATE crm_service_article a
               SET use_count = coalesce(a.use_count, 0) + article.added,
                   solve_rate = CASE
                       WHEN coalesce(a.use_count, 0) + article.added > 0 THEN
                           round(100.0 * coalesce(a.solve_count, 0)
                                 / (coalesce(a.use_count, 0) + article.added), 2)
                       ELSE 0 END,
                   last_used_date = now() AT TIME ZONE 'UTC',
                   is_stale = FALSE
              FROM article
             WHERE article.id = a.id""", {"ticket": ticket.id, "ids": self.ids})
        self._invalidate_counters()
        ticket.invalidate_cache(["used_article_ids"], [ticket.id])

    def _add_solved(self, delta):
        """solve_count += delta (never below 0), with the solve rate."""
        self.env.cr.execute("""
            UPDATE crm_service_article
               SET solve_count = GREATEST(coalesce(solve_count, 0) + %s, 0),
                   solve_rate = CASE WHEN use_count > 0 THEN round(
                       100.0 * GREATEST(coalesce(solve_count, 0) + %s, 0) / use_count,
                       2) ELSE 0 END
             WHERE id IN %s""", (delta, delta, tuple(self.ids)))
        self._invalidate_counters()

    def _invalidate_counters(self):
        self.invalidate_cache(["use_count", "solve_count", "solve_rate",
                               "last_used_date", "is_stale"], self.ids)

    def _solution_text(self):
        """The article as plain text, to pre-fill a ticket's solution."""
        self.ensure_one()
        body = html2plaintext(self.body or "").strip()
        return "%s\n\n%s" % (self.title, body) if body else self.title

    # -- suggestions -------------------------------------------------------

    @api.model
    def _suggest(self, problems, limit=5, public_only=False):
        """The published articles that fit each problem, best first, in ONE
        query. ``problems`` is a list of (text, category id or None, company id
        or None); returns a list of id lists in the same order.

        An article fits when one of its categories is the problem's category or a
        parent of it, or when its keywords occur in the text (as substrings:
        Chinese has no spaces). Rank: keywords found plus one for the category,
        then keywords found, then solve rate."""
        if not problems:
            return []
        self.env.cr.execute("""
            WITH problem AS (
                SELECT idx, lower(txt) AS txt, category_id, company_id
                  FROM unnest(%(idx)s::int[], %(txt)s::text[], %(cat)s::int[],
                              %(company)s::int[]) AS p(idx, txt, category_id,
                                                      company_id)
            ), path AS (
                SELECT p.idx, c.id AS category_id
                  FROM problem p
                  JOIN crm_service_category pc ON pc.id = p.category_id
                  JOIN crm_service_category c ON c.parent_left <= pc.parent_left
                                              AND c.parent_right >= pc.parent_right
            ), scored AS (
                SELECT p.idx, a.id, coalesce(a.solve_rate, 0) AS solve_rate,
                       EXISTS (SELECT 1
                                 FROM crm_service_article_category_rel r
                                 JOIN path ON path.category_id = r.category_id
                                WHERE r.article_id = a.id AND path.idx = p.idx
                       )::int AS in_category,
                       (SELECT count(DISTINCT k.word)
                          FROM regexp_split_to_table(lower(coalesce(a.keywords, '')),
                                                     %(sep)s) AS k(word)
                         WHERE k.word <> '' AND position(k.word IN p.txt) > 0
                       ) AS hits
                  FROM problem p
                  JOIN crm_service_article a
                    ON a.state = 'published'
                   AND (a.company_id IS NULL OR p.company_id IS NULL
                        OR a.company_id = p.company_id)
                   AND (a.is_public OR NOT %(public_only)s)
            ), ranked AS (
                SELECT idx, id, row_number() OVER (
                           PARTITION BY idx
                           ORDER BY hits + in_category DESC, hits DESC,
                                    solve_rate DESC, id DESC) AS rank
                  FROM scored
                 WHERE in_category = 1 OR hits > 0
            )
            SELECT idx, id FROM ranked WHERE rank <= %(limit)s ORDER BY idx, rank
        """, {
            "idx": list(range(len(problems))),
            "txt": [text or "" for text, _category, _company in problems],
            "cat": [category or None for _text, category, _company in problems],
            "company": [company or None for _text, _category, company in problems],
            "sep": SQL_SEPARATORS,
            "public_only": bool(public_only),
            "limit": limit,
        })
        found = [[] for _problem in problems]
        for idx, article_id in self.env.cr.fetchall():
            found[idx].append(article_id)
        return found

    @api.model
    def _public_category_counts(self):
        """{category id: number of published public articles in it or in its
        sub-categories}: the categories of the self-service knowledge base."""
        self.env.cr.execute("""
            SELECT c.id, count(DISTINCT a.id)
              FROM crm_service_category c
              JOIN crm_service_category sub
                ON sub.parent_left >= c.parent_left
               AND sub.parent_right <= c.parent_right
              JOIN crm_service_article_category_rel r ON r.category_id = sub.id
              JOIN crm_service_article a ON a.id = r.article_id
             WHERE a.state = 'published' AND a.is_public AND c.active
             GROUP BY c.id""")
        return dict(self.env.cr.fetchall())

    # -- stale articles ------------------------------------------------------

    @api.model
    def _stale_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(  # sudo: a setting
            STALE_DAYS_PARAM, str(DEFAULT_STALE_DAYS))
        try:
            days = int(str(value).strip())
        except ValueError:
            days = 0
        if days < 1:
            raise UserError(_(
                "System parameter %(param)s must be a whole number of days above "
                "0, not %(value)r.") % {"param": STALE_DAYS_PARAM, "value": value})
        return days

    @api.model
    def _cron_mark_stale(self):
        """Flag the published articles nobody used for N days (N: the system
        parameter crm_service.article_stale_days), unflag the others: one
        UPDATE."""
        now = fields.Datetime.from_string(fields.Datetime.now())
        cutoff = fields.Datetime.to_string(now - timedelta(days=self._stale_days()))
        self.env.cr.execute("""
            UPDATE crm_service_article
               SET is_stale = (state = 'published' AND
                               coalesce(last_used_date, published_date, create_date)
                               < %(cutoff)s)
             WHERE is_stale IS DISTINCT FROM (
                       state = 'published' AND
                       coalesce(last_used_date, published_date, create_date)
                       < %(cutoff)s)""", {"cutoff": cutoff})
        self.invalidate_cache(["is_stale"])
        return True
