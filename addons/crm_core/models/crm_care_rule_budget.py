from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmCareRuleBudget(models.Model):
    """What a care rule may spend per year on the customers of one level."""

    _name = "crm.care.rule.budget"
    _description = "Care Budget per Customer Level"
    _order = "rule_id, level_id"

    rule_id = fields.Many2one("crm.care.rule", "Care Rule", required=True,
                              index=True, ondelete="cascade")
    level_id = fields.Many2one(
        "crm.dictionary.item", "Customer Level", required=True,
        domain=[("dictionary_code", "=", "customer_level")])
    amount = fields.Monetary("Yearly Budget", currency_field="currency_id",
                             required=True)
    currency_id = fields.Many2one(related="rule_id.currency_id", readonly=True)

    _sql_constraints = [
        ("level_uniq", "unique(rule_id, level_id)",
         "A care rule has one budget per customer level."),
    ]

    @api.constrains("amount")
    def _check_amount(self):
        for budget in self:
            if budget.amount < 0:
                raise ValidationError(_("Yearly Budget: cannot be negative."))
