"""The recycle bin's retention, in Settings > CRM."""
from odoo import api, fields, models

from .crm_recycle_bin import DEFAULT_RETENTION_DAYS, RETENTION_PARAM


class ResConfigSettings(models.TransientModel):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.config.settings"

    crm_recycle_retention_days = fields.Integer(
        "Recycle Bin Retention (days)", default=DEFAULT_RETENTION_DAYS,
        help="Days a deleted customer, lead, ticket or call stays in the recycle bin "
             "before the daily job deletes it for good; 0 keeps it until a manager "
             "purges it.")

    @api.model
    def get_values(self):
        res = super(ResConfigSettings, self).get_values()
        res["crm_recycle_retention_days"] = \
            self.env["crm.recycle.bin"]._retention_days()
        return res

    @api.multi
    def set_values(self):
        res = super(ResConfigSettings, self).set_values()
        # sudo: settings are saved by administrators (Settings is theirs)
        self.env["ir.config_parameter"].sudo().set_param(  # sudo: see above
            RETENTION_PARAM, str(max(self.crm_recycle_retention_days, 0)))
        return res
