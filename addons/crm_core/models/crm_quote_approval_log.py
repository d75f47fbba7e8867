from odoo import fields, models

from .crm_data_scope import SCOPED_MODELS

# The history follows the data scope of orders (数据权限), through its own indexed
# copies of the order's salesperson and team (security/crm_quote_approval_rules.xml).
SCOPED_MODELS["crm.quote.approval.log"] = ("order", "salesman_id", "team_id")

ACTIONS = [
    ("request", "Approval Requested"),
    ("approve", "Approved"),
    ("reject", "Rejected"),
    ("reset", "Changed After Request or Approval"),
    ("not_required", "No Longer Requires Approval"),
    ("credit_override", "Credit Limit Overridden"),
]


class CrmQuoteApprovalLog(models.Model):
    """One step of a quotation's approval (流程审核) or a credit-limit override: who,
    when, which rules, and why. Written only by the workflow on sale.order; users
    read it (nobody edits history)."""

    _name = "crm.quote.approval.log"
    _description = "Quote Approval History"
    _order = "date desc, id desc"
    _rec_name = "action"

    order_id = fields.Many2one(
        "sale.order", "Quotation", required=True, index=True, ondelete="cascade",
        readonly=True)
    salesman_id = fields.Many2one(
        "res.users", "Salesperson", index=True, readonly=True,
        help="The order's salesperson when the step happened.")
    team_id = fields.Many2one("crm.team", "Sales Team", index=True, readonly=True)
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    action = fields.Selection(ACTIONS, required=True, readonly=True)
    user_id = fields.Many2one("res.users", "By", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    rule_ids = fields.Many2many(
        "crm.quote.approval.rule", "crm_quote_approval_log_rule_rel", "log_id",
        "rule_id", "Rules", readonly=True)
    reason = fields.Text(readonly=True)
    amount_untaxed = fields.Float(
        "Untaxed Amount", readonly=True,
        help="The quotation's untaxed amount, in its currency, at this step.")
