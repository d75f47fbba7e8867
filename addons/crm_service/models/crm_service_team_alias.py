from odoo import api, fields, models
from odoo.tools.safe_eval import safe_eval


class CrmServiceTeam(models.Model):
    """A team's mailbox: mail to its alias (e.g. support@) becomes a ticket of the
    team; new tickets from mail or the portal are acknowledged to the customer
    (来件自动确认) with the team's template."""

    _name = "crm.service.team"
    _inherit = ["mail.alias.mixin", "crm.service.team"]

    alias_id = fields.Many2one(
        "mail.alias", ondelete="restrict", required=True,
        help="The e-mail address of the team: mail sent to it becomes a ticket "
             "of the team.")
    auto_acknowledge = fields.Boolean(
        "Acknowledge New Tickets", default=True,
        help="Send the customer an acknowledgement with the ticket number when a "
             "ticket of this team arrives by e-mail or from the portal.")
    acknowledge_template_id = fields.Many2one(
        "mail.template", "Acknowledgement Template",
        domain=[("model", "=", "crm.service.ticket")],
        default=lambda self: self.env.ref(
            "crm_service.mail_template_ticket_acknowledge", raise_if_not_found=False))

    def get_alias_model_name(self, vals):
        return "crm.service.ticket"

    def get_alias_values(self):
        values = super(CrmServiceTeam, self).get_alias_values()
        defaults = safe_eval(self.alias_defaults or "{}")
        defaults["team_id"] = self.id
        values["alias_defaults"] = repr(defaults)
        return values

    @api.multi
    def write(self, vals):
        res = super(CrmServiceTeam, self).write(vals)
        if "alias_defaults" in vals:
            for team in self:
                team.alias_id.write(team.get_alias_values())
        return res
