from odoo import fields, models


class CrmRecycleBin(models.Model):
    _inherit = "crm.recycle.bin"

    res_model = fields.Selection(selection_add=[("crm.service.ticket",
                                                 "Service Ticket")])
