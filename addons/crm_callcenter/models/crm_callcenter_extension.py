from odoo import fields, models


class CrmCallcenterExtension(models.Model):
    """A phone extension (分机) of one connection, used by one agent."""

    _name = "crm.callcenter.extension"
    _description = "Extension"
    _order = "connection_id, number"
    _rec_name = "number"

    number = fields.Char(required=True, index=True)
    connection_id = fields.Many2one("crm.callcenter.connection", required=True,
                                    ondelete="cascade", index=True)
    agent_id = fields.Many2one("crm.callcenter.agent", index=True, ondelete="set null")

    _sql_constraints = [
        ("number_connection_uniq", "unique (connection_id, number)",
         "An extension number is used once per connection."),
    ]
