from odoo import fields, models

from ..lib.cdr import MASTER_COLUMNS

COLUMN_LABELS = {
    "accountcode": "Account Code", "src": "Caller (src)", "dst": "Called (dst)",
    "dcontext": "Destination Context", "clid": "Caller ID", "channel": "Channel",
    "dstchannel": "Destination Channel", "lastapp": "Last Application",
    "lastdata": "Last Application Data", "start": "Start", "answer": "Answer",
    "end": "End", "duration": "Duration (s)", "billsec": "Billed (s)",
    "disposition": "Disposition", "amaflags": "AMA Flags", "uniqueid": "Unique ID",
    "userfield": "User Field",
}


class CrmCallcenterCdrImportColumn(models.Model):
    """One column of a CDR file and what it holds (empty: ignored). New imports
    get Asterisk's Master.csv order; another PBX's layout is set here."""

    _name = "crm.callcenter.cdr.import.column"
    _description = "CDR Import Column"
    _order = "import_id, sequence"

    import_id = fields.Many2one("crm.callcenter.cdr.import", required=True,
                                index=True, ondelete="cascade")
    sequence = fields.Integer("Column", required=True,
                              help="Position of the column in the file, from 0.")
    field = fields.Selection([(name, COLUMN_LABELS[name]) for name in MASTER_COLUMNS],
                             "Holds", help="Empty: the column is not read.")
