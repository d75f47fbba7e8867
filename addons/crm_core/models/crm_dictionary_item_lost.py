from odoo import fields, models


class CrmDictionaryItem(models.Model):
    """What a loss reason (dictionary "lost_reason") asks for when a deal is marked
    lost with it."""

    _inherit = "crm.dictionary.item"

    requires_competitor = fields.Boolean(
        "Competitor Required",
        help="Loss reasons only: marking a deal lost with this reason asks which "
             "competitor won it.")
    crm_lost_reason_id = fields.Many2one(
        "crm.lost.reason", "Odoo Lost Reason", ondelete="set null",
        help="Loss reasons only: the lost reason of Odoo's own reports that a deal "
             "lost with this value gets too.")
