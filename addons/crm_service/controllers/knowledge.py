"""The self-service knowledge base (自助服务): published public articles for
customers (portal users) and anonymous visitors at ``/knowledge`` (list, search
by keyword and category) and ``/knowledge/<id>``; a "Knowledge Base" entry on the
portal's /my home. Drafts, archived and internal articles answer 404."""
from werkzeug.exceptions import BadRequest

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal, pager

#: what a visitor may see; every search below starts with it
PUBLIC_DOMAIN = [("state", "=", "published"), ("is_public", "=", True)]
PER_PAGE = 20
MAX_SEARCH = 100


def _public_articles():
    """Articles as the superuser: visitors have no access rights of their own, so
    every search through this model must start with PUBLIC_DOMAIN."""
    return request.env["crm.service.article"].sudo()  # sudo: only PUBLIC_DOMAIN


def search_domain(search):
    """Each word of ``search`` must occur in the title, the keywords or the body
    (as a substring: Chinese has no spaces)."""
    domain = []
    for word in (search or "").split():
        domain += ["|", "|", ("title", "ilike", word), ("keywords", "ilike", word),
                   ("body", "ilike", word)]
    return domain


class KnowledgePortal(CustomerPortal):

    def _prepare_portal_layout_values(self):
        values = super(KnowledgePortal, self)._prepare_portal_layout_values()
        # as the user: portal users read published public articles (record rule)
        values["knowledge_article_count"] = request.env[
            "crm.service.article"].search_count(PUBLIC_DOMAIN)
        return values


class KnowledgeController(http.Controller):

    @http.route(["/knowledge", "/knowledge/page/<int:page>"], type="http",
                auth="public")
    def knowledge_list(self, page=1, search="", category="", **kwargs):
        search = (search or "").strip()
        if len(search) > MAX_SEARCH:
            raise BadRequest("search: at most %d characters" % MAX_SEARCH)
        try:
            category_id = int(category) if category else False
        except ValueError:
            raise BadRequest("category: not a category number")
        articles = _public_articles()
        counts = articles._public_category_counts()
        category_model = request.env["crm.service.category"]
        categories = category_model.sudo().search(  # sudo: public articles' categories
            [("id", "in", list(counts))])
        if category_id and category_id not in categories.ids:
            return request.not_found()
        domain = PUBLIC_DOMAIN + search_domain(search)
        if category_id:
            domain += [("category_ids", "child_of", category_id)]
        total = articles.search_count(domain)
        url_args = {key: value for key, value in (
            ("search", search), ("category", category_id or "")) if value}
        page_info = pager(url="/knowledge", total=total, page=page, step=PER_PAGE,
                          url_args=url_args)
        found = articles.search(domain, limit=PER_PAGE, offset=page_info["offset"],
                                order="solve_count desc, title, id")
        return request.render("crm_service.knowledge_list_page", {
            "page_name": "knowledge",
            "articles": found,
            "categories": categories,
            "category_counts": counts,
            "category_id": category_id,
            "search": search,
            "total": total,
            "pager": page_info,
        })

    @http.route("/knowledge/<int:article_id>", type="http", auth="public")
    def knowledge_article(self, article_id, **kwargs):
        article = _public_articles().search(
            PUBLIC_DOMAIN + [("id", "=", article_id)], limit=1)
        if not article:
            return request.not_found()
        return request.render("crm_service.knowledge_article_page", {
            "page_name": "knowledge",
            "article": article,
        })
