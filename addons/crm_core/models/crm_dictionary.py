from odoo import fields, models


class CrmDictionary(models.Model):
    """A picklist (数据字典) that consultants edit in the UI or ship as XML: customer
    levels, sources, follow-up channels and results, release reasons..."""

    _name = "crm.dictionary"
    _description = "CRM Dictionary"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, index=True,
        help="Technical key that fields use to pick their values, e.g. customer_level.")
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    item_ids = fields.One2many("crm.dictionary.item", "dictionary_id", string="Values")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A dictionary with this code already exists."),
    ]
