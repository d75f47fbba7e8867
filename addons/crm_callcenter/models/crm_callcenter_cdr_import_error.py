from odoo import fields, models


class CrmCallcenterCdrImportError(models.Model):
    """A row of a CDR file that was not imported, and why."""

    _name = "crm.callcenter.cdr.import.error"
    _description = "CDR Import Error"
    _order = "import_id, line"
    _rec_name = "message"

    import_id = fields.Many2one("crm.callcenter.cdr.import", required=True,
                                index=True, ondelete="cascade")
    line = fields.Integer(required=True)
    message = fields.Char("Error", required=True)
    raw = fields.Char("Row")
