import secrets

from odoo import _, api, fields, models
from odoo.exceptions import UserError

COUPON_STATES = [("valid", "Valid"), ("used", "Used"), ("expired", "Expired")]
#: letters and digits that cannot be mistaken for one another when read aloud
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class CrmServiceCoupon(models.Model):
    """A coupon given as compensation (补偿券): the customer's salesperson applies it
    once to a quotation of that customer before it expires."""

    _name = "crm.service.coupon"
    _description = "Compensation Coupon"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "code"
    # workflow-owned (issue 13): a coupon's value and validity
    _crm_guarded_fields = {"expiry_date": "crm_core.group_service_manager"}

    code = fields.Char(required=True, readonly=True, copy=False, index=True,
                       default=lambda self: self._new_code())
    partner_id = fields.Many2one("res.partner", "Customer", required=True,
                                 readonly=True, index=True)
    amount = fields.Monetary(required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True,
        default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True)
    expiry_date = fields.Date("Valid until", required=True, index=True)
    state = fields.Selection(COUPON_STATES, "Status", default="valid", required=True,
                             readonly=True, copy=False, index=True,
                             track_visibility="onchange")
    compensation_id = fields.Many2one("crm.service.compensation",
                                      readonly=True, index=True)
    sale_order_id = fields.Many2one("sale.order", "Used on", readonly=True,
                                    copy=False, index=True)
    used_date = fields.Datetime("Used on Date", readonly=True, copy=False)

    _sql_constraints = [
        ("code_uniq", "unique (code)", "A coupon code is used once."),
        ("amount_positive", "check (amount > 0)", "A coupon is worth something."),
    ]

    @api.model
    def _new_code(self):
        """A random code like ``K7QP-M3XD``, not used yet."""
        for _attempt in range(10):
            code = "-".join(
                "".join(secrets.choice(CODE_ALPHABET) for _i in range(4))
                for _part in range(2))
            # sudo: the code must be unique among every customer's coupons
            if not self.sudo().search_count([("code", "=", code)]):  # sudo: unique code
                return code
        raise UserError(_("No free coupon code was found; try again."))

    @api.model
    def _cron_expire(self):
        """Valid coupons past their date become expired (one write)."""
        today = fields.Date.context_today(self)
        self.search([("state", "=", "valid"), ("expiry_date", "<", today)]).write(
            {"state": "expired"})

    def _check_usable_on(self, order):
        """Refuse, saying why, a coupon that cannot reduce ``order``."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.partner_id != order.partner_id.commercial_partner_id:
            raise UserError(_(
                "Coupon %(code)s was issued to another customer: it cannot be used "
                "on %(order)s for %(customer)s.") % {
                    "code": self.code, "order": order.name,
                    "customer": order.partner_id.display_name})
        if self.state == "used":
            raise UserError(_("Coupon %(code)s was already used on %(order)s.") % {
                "code": self.code, "order": self.sale_order_id.name})
        if self.state == "expired" or self.expiry_date < today:
            raise UserError(_("Coupon %(code)s expired on %(date)s.") % {
                "code": self.code, "date": self.expiry_date})
        if self.company_id != order.company_id:
            raise UserError(_(
                "Coupon %(code)s belongs to company %(company)s, not to the "
                "order's.") % {"code": self.code, "company": self.company_id.name})
        if self.currency_id != order.pricelist_id.currency_id:
            raise UserError(_(
                "Coupon %(code)s is in %(currency)s: use it on an order in that "
                "currency.") % {"code": self.code, "currency": self.currency_id.name})

    def _mark_used(self, order):
        self.write({"state": "used", "sale_order_id": order.id,
                    "used_date": fields.Datetime.now()})
        self.mapped("compensation_id")._set_done()

    def _release(self, reason):
        """Give back coupons whose order line went away: valid again (expired if
        past their date), their compensation no longer done."""
        today = fields.Date.context_today(self)
        for coupon in self.filtered(lambda c: c.state == "used"):
            coupon.write({
                "state": "expired" if coupon.expiry_date < today else "valid",
                "sale_order_id": False, "used_date": False})
        self.mapped("compensation_id")._set_undone(reason)
