from odoo import api, models


class ResPartner(models.Model):
    """Customer care leaves out customers with an open complaint: no birthday
    greeting or holiday gift while a complaint waits for an answer."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _crm_care_blocked_partner_ids(self):
        blocked = super(ResPartner, self)._crm_care_blocked_partner_ids()
        self.env.cr.execute("""
            SELECT DISTINCT commercial_partner_id FROM crm_service_ticket
             WHERE ticket_type = 'complaint' AND is_open
               AND commercial_partner_id IS NOT NULL
        """)
        return list(set(blocked) | {row[0] for row in self.env.cr.fetchall()})
