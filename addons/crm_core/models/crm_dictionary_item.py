from odoo import api, fields, models


class CrmDictionaryItem(models.Model):
    """One value of a dictionary; fields point to it with a domain on its code."""

    _name = "crm.dictionary.item"
    _description = "CRM Dictionary Value"
    _order = "dictionary_id, sequence, id"

    dictionary_id = fields.Many2one(
        "crm.dictionary", required=True, ondelete="cascade",
        index=True)
    dictionary_code = fields.Char(
        related="dictionary_id.code", store=True, index=True, readonly=True)
    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Optional key for integrations and imports.")
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(dictionary_id, code)",
         "A value with this code already exists in the dictionary."),
    ]

    @api.model
    def _get_item(self, dictionary_code, code):
        """The value ``code`` of dictionary ``dictionary_code`` (empty if absent)."""
        return self.search([("dictionary_code", "=", dictionary_code),
                            ("code", "=", code)], limit=1)
