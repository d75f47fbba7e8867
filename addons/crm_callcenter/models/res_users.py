from odoo import models
from odoo.osv import expression


class ResUsers(models.Model):
    _inherit = "res.users"

    def _crm_callcenter_customer_domain(self, path):
        """The record-rule domain of records whose ``path`` (a many2one to
        res.partner with auto_join) is a customer this user may see: crm_core's data
        scope of customers (res.users._crm_scope_domain), each condition read
        through ``path``."""
        self.ensure_one()
        scope = self._crm_scope_domain("res.partner", "read")
        through = [
            (path + "." + leaf[0], leaf[1], leaf[2])
            if isinstance(leaf, (list, tuple)) else leaf
            for leaf in scope]
        return expression.AND([[(path, "!=", False)], through])
