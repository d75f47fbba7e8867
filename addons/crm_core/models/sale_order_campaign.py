from odoo import api, models


class SaleOrder(models.Model):
    """An order's campaign, source and medium go onto its invoices (H5), and the
    first campaign of an order's customer is remembered for first-touch
    attribution."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.multi
    def _prepare_invoice(self):
        values = super(SaleOrder, self)._prepare_invoice()
        values.update({
            "campaign_id": self.campaign_id.id,
            "source_id": self.source_id.id,
            "medium_id": self.medium_id.id,
        })
        return values

    @api.model
    def create(self, vals):
        order = super(SaleOrder, self).create(vals)
        if order.campaign_id:
            order.mapped("partner_id")._stamp_first_campaign(order.campaign_id)
        return order

    @api.multi
    def write(self, vals):
        result = super(SaleOrder, self).write(vals)
        if vals.get("campaign_id"):
            self.mapped("partner_id")._stamp_first_campaign(
                self.env["utm.campaign"].browse(vals["campaign_id"]))
        return result
