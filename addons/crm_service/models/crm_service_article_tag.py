from odoo import fields, models


class CrmServiceArticleTag(models.Model):
    """A free label of knowledge articles (常见问题, 数控, Safety...)."""

    _name = "crm.service.article.tag"
    _description = "Knowledge Article Tag"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()

    _sql_constraints = [
        ("name_uniq", "unique (name)", "An article tag with this name already exists."),
    ]
