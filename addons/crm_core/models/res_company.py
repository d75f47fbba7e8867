from odoo import fields, models

MODES = [("opt_in", "Only with an Opt-in"), ("opt_out", "Unless Opted Out")]


class ResCompany(models.Model):
    _inherit = "res.company"

    consent_email_mode = fields.Selection(
        MODES, "Marketing E-mail", default="opt_out", required=True,
        help="Who may receive marketing e-mail when they have said nothing yet.")
    consent_sms_mode = fields.Selection(
        MODES, "Marketing SMS", default="opt_in", required=True,
        help="Who may receive marketing SMS when they have said nothing yet.")
    consent_phone_mode = fields.Selection(
        MODES, "Marketing Calls", default="opt_out", required=True,
        help="Who may be called for marketing when they have said nothing yet "
             "(do-not-call).")
