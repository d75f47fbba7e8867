from odoo import api, models


class ResPartner(models.Model):
    """A new customer or contact carries its data scope from its INSERT on."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def create(self, vals):
        return super(ResPartner, self).create(self._prepare_scope_vals(vals))

    @api.model
    def _prepare_scope_vals(self, vals):
        """The scope columns (owner, team and pool state of the customer) of a new
        partner, written by its INSERT. Odoo computes the row's other stored
        columns with writes that the data-scope rule checks; were the scope columns
        still empty then, a rep could not create a customer of their own, nor a
        contact of one."""
        if {"scope_user_id", "scope_team_id", "scope_pool_state"} & set(vals):
            return vals
        vals = self._prepare_customer_vals(vals)
        if vals.get("parent_id") and not vals.get("is_company"):
            # sudo: the company's scope is copied onto its new contact
            root = self.browse(vals["parent_id"]).sudo().commercial_partner_id
            scope = (root.user_id.id, root.team_id.id, root.pool_state)
        else:
            scope = (vals.get("user_id"), vals.get("team_id"), vals.get("pool_state"))
        return dict(vals, scope_user_id=scope[0] or False,
                    scope_team_id=scope[1] or False, scope_pool_state=scope[2] or False)
