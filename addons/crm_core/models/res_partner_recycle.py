from odoo import api, models


class ResPartner(models.Model):
    """Deleted customers and contacts go to the recycle bin (crm_recycle_mixin.py);
    a company's contacts go with it."""

    _name = "res.partner"
    _inherit = ["res.partner", "crm.recycle.mixin"]
    _crm_recycle_managers = "sales_team.group_sale_manager,crm_core.group_crm_admin"

    @api.multi
    def unlink(self):
        binned = self._crm_recycle()
        rest = self - binned
        return super(ResPartner, rest).unlink() if rest else True

    @api.multi
    def _crm_recycle_eligible(self):
        """Not a user's own partner: Odoo refuses to delete those."""
        # sudo: whether a login uses the partner, not the login's data
        every = self.sudo().with_context(active_test=False)  # sudo: see above
        with_users = every.filtered("user_ids")
        return self - self.browse(with_users.ids)

    @api.multi
    def _crm_recycle_related(self):
        # sudo: the contacts of a company the user deletes, hidden with it
        children = self.sudo().search([("id", "child_of", self.ids),  # sudo: see above
                                       ("id", "not in", self.ids)])
        children = self.browse(children.ids)._crm_recycle_eligible()
        related = {}
        # sudo: the company's contacts go with it, as unlink cascades them
        for child in children.sudo():  # sudo: see above
            top = child.parent_id
            while top and top.id not in self.ids:
                top = top.parent_id
            if top:
                related.setdefault(top.id, self.browse())
                related[top.id] |= self.browse(child.id)
        return related
