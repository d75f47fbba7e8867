from odoo import api, fields, models


class ResPartner(models.Model):
    """The dates customer care (客户关怀) follows: a contact's birthday, a
    company's founding day and the day its contract was signed."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    birthday = fields.Date(index=True)
    founding_date = fields.Date("Founded On",
                                help="The day the company was founded or opened.")
    contract_date = fields.Date("Contract Signed On",
                                help="The day the customer's contract was signed.")
    care_action_ids = fields.One2many("crm.care.action", "partner_id",
                                      "Care Actions")

    @api.model
    def _crm_care_blocked_partner_ids(self):
        """The customers (commercial partners) care leaves out for now; other
        addons add theirs (the service addon: customers with an open
        complaint)."""
        return []
