from odoo import fields, models


class CrmMarketingSegmentMember(models.Model):
    """One member of a segment snapshot, with the address it had then."""

    _name = "crm.marketing.segment.member"
    _description = "Segment Snapshot Member"
    _order = "snapshot_id, id"

    snapshot_id = fields.Many2one("crm.marketing.segment.snapshot",
                                  required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", "Customer or Contact",
                                 required=True, index=True, ondelete="cascade")
    email = fields.Char("E-mail", readonly=True)
    mobile = fields.Char("Mobile (E.164)", readonly=True)
