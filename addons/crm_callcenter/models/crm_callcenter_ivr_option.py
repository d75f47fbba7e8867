import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.api import ApiError
from .crm_callcenter_ivr_menu import SELF_SERVICES

ACTIONS = [
    ("submenu", "Another Menu"),
    ("queue", "Queue"),
    ("agent", "Agent"),
    ("voicemail", "Voicemail"),
    ("self_service", "Self-service Lookup"),
]
_DIGIT = re.compile(r"^[0-9*#]$")


class CrmCallcenterIvrOption(models.Model):
    """One key of an IVR menu and what it does: another menu, a queue, an agent,
    voicemail, or a self-service lookup such as a ticket's status by number."""

    _name = "crm.callcenter.ivr.option"
    _description = "IVR Option"
    _order = "menu_id, sequence, digit"
    _rec_name = "label"

    menu_id = fields.Many2one("crm.callcenter.ivr.menu", required=True,
                              index=True, ondelete="cascade")
    connection_id = fields.Many2one(related="menu_id.connection_id", readonly=True)
    sequence = fields.Integer(default=10)
    digit = fields.Char("Key", required=True, size=1, help="0-9, * or #.")
    label = fields.Char(required=True, translate=True)
    action = fields.Selection(ACTIONS, required=True, default="queue")
    submenu_id = fields.Many2one("crm.callcenter.ivr.menu", "Next Menu",
                                 ondelete="restrict")
    queue_id = fields.Many2one("crm.callcenter.queue", ondelete="restrict")
    agent_id = fields.Many2one("crm.callcenter.agent", ondelete="restrict")
    voicemail_box = fields.Char()
    self_service = fields.Selection(SELF_SERVICES, "Lookup")
    input_prompt = fields.Text(
        translate=True,
        help="What the caller hears before typing the lookup's digits, e.g. "
             "\"Please enter your ticket number, then press #\".")

    _sql_constraints = [
        ("digit_menu_uniq", "unique (menu_id, digit)",
         "A key is used once per menu."),
    ]

    @api.constrains("digit")
    def _check_digit(self):
        for option in self:
            if not _DIGIT.match(option.digit or ""):
                raise ValidationError(_("Key: %r is not 0-9, * or #.")
                                      % option.digit)

    @api.constrains("action", "submenu_id", "queue_id", "agent_id", "self_service",
                    "menu_id")
    def _check_target(self):
        for option in self:
            needed = {"submenu": "submenu_id", "queue": "queue_id",
                      "agent": "agent_id", "self_service": "self_service"}
            field = needed.get(option.action)
            if field and not option[field]:
                label = option._fields[field].get_description(self.env)["string"]
                raise ValidationError(_("%(field)s: key %(digit)s of %(menu)s needs "
                                        "one.") % {"field": label,
                                                   "digit": option.digit,
                                                   "menu": option.menu_id.name})
            connection = option.menu_id.connection_id
            for target in (option.submenu_id, option.queue_id):
                if target and target.connection_id != connection:
                    raise ValidationError(_(
                        "Key %(digit)s of %(menu)s leads to %(target)s of another "
                        "phone system.") % {"digit": option.digit,
                                            "menu": option.menu_id.name,
                                            "target": target.name})
            if option.submenu_id == option.menu_id:
                raise ValidationError(_("Next menu: key %(digit)s of %(menu)s "
                                        "cannot lead to its own menu.")
                                      % {"digit": option.digit,
                                         "menu": option.menu_id.name})

    @api.multi
    def _ivr_choose(self, call):
        """The caller pressed this option's key."""
        self.ensure_one()
        if self.action == "submenu":
            menu = self.submenu_id
            call._append_ivr_path(self.digit, menu.code)
            return menu._ivr_say_menu()
        if self.action == "queue":
            call._append_ivr_path(self.digit, self.queue_id.code)
            return {"action": "queue", "queue": self.queue_id.code}
        if self.action == "agent":
            extension = self.agent_id.extension_ids.filtered(
                lambda e: e.connection_id == self.menu_id.connection_id)[:1]
            if not extension:
                raise ApiError("menu", "key %s leads to an agent without an "
                                       "extension on this phone system"
                               % self.digit, status=409)
            call._append_ivr_path(self.digit, "agent")
            return {"action": "agent", "extension": extension.number,
                    "agent_user_id": self.agent_id.user_id.id}
        if self.action == "voicemail":
            call._append_ivr_path(self.digit, "voicemail")
            return {"action": "voicemail", "extension": self.voicemail_box or None}
        call._append_ivr_path(self.digit, self.self_service)
        return {"action": "collect", "menu": self.self_service,
                "say": self.input_prompt or ""}
