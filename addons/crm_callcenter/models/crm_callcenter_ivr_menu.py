import re
from datetime import datetime

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib.api import ApiError

#: self-service lookups a caller can reach from a menu option; their key is also
#: the "menu" the PBX names when it posts the digits the caller typed for them
SELF_SERVICES = [("ticket_status", "Ticket Status by Number")]
_TICKET_DIGITS = re.compile(r"^[0-9]{1,20}$")


class CrmCallcenterIvrMenu(models.Model):
    """A voice menu (IVR, 语音导航) of one phone system: the prompt the caller hears
    and the options reached by pressing a key. Menus form a tree from the entry
    point; the PBX asks POST /crm_callcenter/ivr what to do next."""

    _name = "crm.callcenter.ivr.menu"
    _description = "IVR Menu"
    _order = "connection_id, sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True,
                       help="The name the PBX uses for this menu, e.g. main.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    connection_id = fields.Many2one("crm.callcenter.connection", "Phone System",
                                    required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="connection_id.company_id", store=True,
                                 readonly=True, index=True)
    is_entry = fields.Boolean("Entry Point",
                              help="The menu a caller hears first.")
    prompt = fields.Text(required=True, translate=True,
                         help="What the caller hears, e.g. \"For sales press 1\".")
    invalid_prompt = fields.Text(
        "Invalid Key Prompt", translate=True,
        default="Sorry, that key is not an option.",
        help="Said before the menu again when the caller presses a key it has no "
             "option for.")
    option_ids = fields.One2many("crm.callcenter.ivr.option", "menu_id", "Options",
                                 copy=True)

    _sql_constraints = [
        ("code_connection_uniq", "unique (connection_id, code)",
         "A menu code is used once per phone system."),
    ]

    @api.constrains("code")
    def _check_code(self):
        reserved = dict(SELF_SERVICES)
        for menu in self:
            if menu.code in reserved:
                raise ValidationError(_("Code: %s is the name of a self-service "
                                        "lookup; choose another.") % menu.code)

    @api.constrains("is_entry", "connection_id", "active")
    def _check_one_entry(self):
        for menu in self.filtered(lambda m: m.is_entry and m.active):
            others = self.search_count([
                ("connection_id", "=", menu.connection_id.id),
                ("is_entry", "=", True), ("id", "!=", menu.id)])
            if others:
                raise ValidationError(_("Entry point: the phone system %s already "
                                        "has an entry menu.")
                                      % menu.connection_id.name)

    # --- the IVR conversation ---------------------------------------------------------

    @api.model
    def _ivr_step(self, connection, call, menu_code=None, digits=""):
        """The next step of ``call`` in the IVR of ``connection``: the PBX names
        the menu the caller is in (none: the entry menu) and the keys pressed
        there (none: play the menu). Appends each step to the call's IVR path
        and returns {"action", "menu"/"queue"/"extension", "say"}."""
        lang = self._ivr_lang(connection, call)
        menus = self.with_context(lang=lang)
        if menu_code in dict(SELF_SERVICES):
            return menus._ivr_self_service(connection, call, menu_code, digits)
        menu = menus._ivr_menu(connection, menu_code)
        if (call.ivr_path or "").split(">")[-1] != menu.code:
            call._append_ivr_path(menu.code)
        if not digits:
            return menu._ivr_say_menu()
        option = menu.option_ids.filtered(lambda o: o.digit == digits)[:1]
        if not option:
            call._append_ivr_path(digits, "invalid")
            answer = menu._ivr_say_menu()
            answer["say"] = "%s %s" % (menu.invalid_prompt or "", menu.prompt)
            return answer
        return option._ivr_choose(call)

    @api.model
    def _ivr_lang(self, connection, call):
        partner = self.env["crm.callcenter.queue"]._acd_customer(call)
        return (partner.lang or connection.company_id.partner_id.lang
                or self.env.context.get("lang") or "en_US")

    @api.model
    def _ivr_menu(self, connection, code):
        domain = [("connection_id", "=", connection.id)]
        if code:
            menu = self.search(domain + [("code", "=", code)], limit=1)
            if not menu:
                raise ApiError("menu", "no IVR menu %r on this phone system" % code)
            return menu
        menu = self.search(domain + [("is_entry", "=", True)], limit=1)
        if not menu:
            raise ApiError("menu", "this phone system has no entry menu: name one")
        return menu

    @api.multi
    def _ivr_say_menu(self):
        self.ensure_one()
        return {"action": "menu", "menu": self.code, "say": self.prompt}

    @api.model
    def _ivr_self_service(self, connection, call, kind, digits):
        parts = (call.ivr_path or "").split(">")
        if parts[-1] != kind or len(parts) < 3:
            raise ApiError("menu", "the caller has not chosen %s in a menu" % kind)
        if not _TICKET_DIGITS.match(digits or ""):
            raise ApiError("digits", "give the digits of the ticket number (0-9)")
        back = self._ivr_menu(connection, parts[-3])
        say = self._ivr_ticket_status(connection, call, digits)
        return {"action": "say", "say": say, "menu": back.code}

    @api.model
    def _ivr_ticket_status(self, connection, call, digits):
        """What the caller hears about their ticket whose number's digits are
        ``digits``: only a ticket of the caller's own customer (matched by the
        calling number) is read out; any other number, or an unknown caller,
        hears the same "not found"."""
        customer = self.env["crm.callcenter.queue"]._acd_customer(call)
        ticket = self.env["crm.service.ticket"]
        if customer:
            self.env.cr.execute("""
                SELECT id FROM crm_service_ticket
                 WHERE commercial_partner_id = %s
                   AND regexp_replace(number, '[^0-9]', '', 'g') = %s
                 ORDER BY id DESC LIMIT 1
            """, (customer.id, digits))
            row = self.env.cr.fetchone()
            ticket = ticket.browse(row[0]) if row else ticket
        if not ticket:
            return _("We found no ticket with this number for the phone you are "
                     "calling from.")
        states = dict(ticket._fields["state"]._description_selection(self.env))
        values = {"number": ticket.number, "state": states[ticket.state]}
        if ticket.is_open and ticket.resolve_deadline:
            tz = pytz.timezone(connection.timezone or "UTC")
            deadline = pytz.utc.localize(datetime.strptime(
                ticket.resolve_deadline[:19], "%Y-%m-%d %H:%M:%S")).astimezone(tz)
            values["deadline"] = deadline.strftime("%Y-%m-%d %H:%M")
            return _("Your ticket %(number)s is %(state)s. It should be resolved by "
                     "%(deadline)s.") % values
        return _("Your ticket %(number)s is %(state)s.") % values
