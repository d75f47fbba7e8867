from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmCustomerShare(models.Model):
    """A customer shared with a colleague (共享客户): read, or read and write, until
    an optional expiry date (a daily job ends expired shares)."""

    _name = "crm.customer.share"
    _description = "Customer Share"
    _order = "partner_id, user_id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, ondelete="cascade", index=True,
        domain=[("parent_id", "=", False)])
    user_id = fields.Many2one("res.users", "Shared With", required=True,
                              ondelete="cascade", index=True)
    access = fields.Selection([("read", "Read"), ("write", "Read and Write")],
                              required=True, default="read")
    date_expiry = fields.Date("Expires On")
    active = fields.Boolean(default=True)
    shared_by_id = fields.Many2one("res.users", readonly=True,
                                   default=lambda self: self.env.user)

    _sql_constraints = [
        ("partner_user_uniq", "unique(partner_id, user_id)",
         "This customer is already shared with this user."),
    ]

    @api.constrains("partner_id", "user_id")
    def _check_not_owner(self):
        for share in self:
            owner = share.partner_id.sudo().user_id  # sudo: compare ids; rules decide
            if owner == share.user_id:
                raise ValidationError(_(
                    "%(user)s already owns %(customer)s: sharing with the owner is "
                    "not needed.") % {"user": share.user_id.name,
                                      "customer": share.partner_id.display_name})

    @api.model
    def _cron_expire(self):
        """End the shares whose expiry date has passed (one write)."""
        expired = self.search([("date_expiry", "<", fields.Date.today())])
        expired.write({"active": False})
        return True
