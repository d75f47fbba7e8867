"""Login security settings (issue 13), in Settings > CRM; stored as system
parameters and read through lib/login_policy.py (bounded, defaulted)."""
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.login_policy import SETTINGS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_login_max_failures = fields.Integer(
        "Failed logins before a lockout", default=5,
        config_parameter="crm_core.login_max_failures",
        help="Wrong passwords on one login, within the lockout window, before "
             "that login is refused.")
    crm_login_ip_max_failures = fields.Integer(
        "Failed logins per address before a lockout", default=20,
        config_parameter="crm_core.login_ip_max_failures",
        help="Wrong passwords from one network address, on any login, before "
             "that address is refused.")
    crm_login_lockout_minutes = fields.Integer(
        "Lockout (minutes)", default=15,
        config_parameter="crm_core.login_lockout_minutes",
        help="How long failures count, and how long a lockout lasts.")
    crm_password_min_length = fields.Integer(
        "Minimum password length", default=8,
        config_parameter="crm_core.password_min_length")
    crm_session_idle_minutes = fields.Integer(
        "Idle timeout (minutes)", default=240,
        config_parameter="crm_core.session_idle_minutes",
        help="A web session without activity for this long is logged out.")
    crm_login_log_days = fields.Integer(
        "Keep the login log (days)", default=180,
        config_parameter="crm_core.login_log_days")

    @api.constrains("crm_login_max_failures", "crm_login_ip_max_failures",
                    "crm_login_lockout_minutes", "crm_password_min_length",
                    "crm_session_idle_minutes", "crm_login_log_days")
    def _check_crm_login_settings(self):
        for name, field in self._fields.items():
            key = getattr(field, "config_parameter", None)
            if key not in SETTINGS:
                continue
            __, low, high = SETTINGS[key]
            for settings in self:
                if not low <= settings[name] <= high:
                    raise ValidationError(
                        _("%(setting)s must be between %(low)s and %(high)s.") % {
                            "setting": field.get_description(self.env)["string"],
                            "low": low, "high": high})
