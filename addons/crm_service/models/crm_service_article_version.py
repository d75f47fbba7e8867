from odoo import _, api, fields, models


class CrmServiceArticleVersion(models.Model):
    """A previous version of a published knowledge article: every edit of the
    title or the body of a published article keeps what it replaced here."""

    _name = "crm.service.article.version"
    _description = "Knowledge Article Version"
    _order = "article_id, version desc"
    _rec_name = "title"

    article_id = fields.Many2one("crm.service.article", required=True, index=True,
                                 ondelete="cascade", readonly=True)
    version = fields.Integer(required=True, readonly=True)
    title = fields.Char(required=True, readonly=True)
    # sanitized as the article's body is (issue 13): the article's text passes
    # unchanged, and a version written over RPC cannot carry scripts into the form
    body = fields.Html(readonly=True)
    author_id = fields.Many2one("res.users", readonly=True,
                                help="Who wrote this version.")
    date = fields.Datetime(readonly=True, help="When this version was written.")
    company_id = fields.Many2one(related="article_id.company_id", store=True,
                                 readonly=True)

    _sql_constraints = [
        ("article_version_uniq", "unique (article_id, version)",
         "An article keeps each version number once."),
    ]

    @api.multi
    def action_restore(self):
        """Make this version the article's text again; the text it replaces is
        kept as a version in turn, so a restore can be undone."""
        self.ensure_one()
        article = self.article_id
        article.write({"title": self.title, "body": self.body})
        article.message_post(body=_("Version %s restored.") % self.version)
        return {
            "type": "ir.actions.act_window",
            "res_model": article._name,
            "res_id": article.id,
            "view_mode": "form",
            "target": "current",
        }
