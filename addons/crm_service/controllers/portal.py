"""The customer portal's tickets (网络自助服务): /my/tickets lists the tickets of the
customer's company, /my/tickets/<id> shows one with its progress, expected
resolution time and conversation, /my/tickets/new submits one.

Portal users read their company's tickets through the record rule; a ticket is
created with sudo from the validated form values only, for the user's own contact
and company."""
from odoo import _, http
from odoo.exceptions import AccessError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..lib.portal_ticket import FormError, validate

MAX_ID = 2 ** 31 - 1


class TicketPortal(CustomerPortal):

    def _prepare_portal_layout_values(self):
        values = super(TicketPortal, self)._prepare_portal_layout_values()
        tickets = request.env["crm.service.ticket"]
        if tickets.check_access_rights("read", raise_exception=False):
            values["service_ticket_count"] = tickets.search_count(
                self._ticket_domain())
        return values

    @staticmethod
    def _ticket_domain():
        partner = request.env.user.partner_id
        return [("commercial_partner_id", "child_of",
                 [partner.commercial_partner_id.id])]

    @staticmethod
    def _ticket_sortings():
        return {
            "date": {"label": _("Newest"), "order": "create_date desc, number desc"},
            "number": {"label": _("Number"), "order": "number desc"},
            "status": {"label": _("Status"), "order": "state, create_date desc"},
        }

    @staticmethod
    def _ticket_filters():
        return {
            "all": {"label": _("All"), "domain": []},
            "open": {"label": _("Open"), "domain": [("is_open", "=", True)]},
            "closed": {"label": _("Closed"), "domain": [("is_open", "=", False)]},
        }

    @http.route(["/my/tickets", "/my/tickets/page/<int:page>"], type="http",
                auth="user", website=True)
    def portal_my_tickets(self, page=1, sortby=None, filterby=None, **kw):
        tickets = request.env["crm.service.ticket"]
        if not tickets.check_access_rights("read", raise_exception=False):
            return request.not_found()
        values = self._prepare_portal_layout_values()
        sortings = self._ticket_sortings()
        filters = self._ticket_filters()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = self._ticket_domain() + filters[filterby]["domain"]
        pager = portal_pager(
            url="/my/tickets", url_args={"sortby": sortby, "filterby": filterby},
            total=tickets.search_count(domain), page=page, step=self._items_per_page)
        records = tickets.search(domain, order=sortings[sortby]["order"],
                                 limit=self._items_per_page, offset=pager["offset"])
        values.update({
            "tickets": records,
            "page_name": "service_ticket",
            "pager": pager,
            "default_url": "/my/tickets",
            "searchbar_sortings": sortings,
            "sortby": sortby,
            "searchbar_filters": filters,
            "filterby": filterby,
        })
        return request.render("crm_service.portal_my_tickets", values)

    @http.route(["/my/tickets/<int:ticket_id>"], type="http", auth="user",
                website=True)
    def portal_my_ticket(self, ticket_id, **kw):
        ticket = self._readable_ticket(ticket_id)
        if ticket is None:
            return request.not_found()
        values = self._prepare_portal_layout_values()
        values.update({
            "ticket": ticket,
            "page_name": "service_ticket",
            "progress": ticket._portal_progress(),
            "deadline": ticket._portal_deadline(request.env.user.tz),
            "assignee": self._assignee_name(ticket),
            "submitted": kw.get("submitted") == "1",
        })
        return request.render("crm_service.portal_my_ticket", values)

    @staticmethod
    def _assignee_name(ticket):
        """The name of the ticket's assignee: portal users may not read their
        supplier's users, and see nothing more of them than this."""
        return ticket.sudo().user_id.name  # sudo: the assignee's name only

    @staticmethod
    def _readable_ticket(ticket_id):
        """The ticket if the user may read it, else None (shown as 404, whether
        it exists or not)."""
        if not 0 < ticket_id <= MAX_ID:
            return None
        ticket = request.env["crm.service.ticket"].browse(ticket_id)
        try:
            if not ticket.exists():
                return None
            ticket.check_access_rights("read")
            ticket.check_access_rule("read")
        except AccessError:
            return None
        return ticket

    @http.route(["/my/tickets/new"], type="http", auth="user", website=True,
                methods=["GET", "POST"])
    def portal_ticket_new(self, **post):
        if not request.env.user.has_group("base.group_portal"):
            return request.not_found()
        if request.httprequest.method == "GET":
            return self._render_ticket_form({}, None)
        try:
            clean = validate(post, self._ticket_types(),
                             self._ticket_categories().ids)
        except FormError as error:
            return self._render_ticket_form(post, error)
        ticket = self._create_portal_ticket(clean)
        return request.redirect("/my/tickets/%d?submitted=1" % ticket.id)

    def _render_ticket_form(self, post, error):
        values = self._prepare_portal_layout_values()
        labels = self._ticket_field_labels()
        values.update({
            "page_name": "service_ticket_new",
            "form": post,
            "ticket_types": request.env["crm.service.ticket"]._fields[
                "ticket_type"]._description_selection(request.env),
            "categories": self._ticket_categories(),
            "error_field": error.field if error else False,
            "error_message": error and "%s: %s" % (
                labels.get(error.field, error.field),
                self._error_messages()[error.code]),
        })
        return request.render("crm_service.portal_ticket_new", values,
                              status=400 if error else 200)

    @staticmethod
    def _ticket_types():
        return [key for key, _label in request.env["crm.service.ticket"]._fields[
            "ticket_type"].selection]

    @staticmethod
    def _ticket_categories():
        return request.env["crm.service.category"].search([("active", "=", True)])

    @staticmethod
    def _ticket_field_labels():
        return {
            "name": _("Subject"),
            "description": _("Description"),
            "ticket_type": _("Type"),
            "category_id": _("Category"),
            "contact_phone": _("Contact Phone"),
        }

    @staticmethod
    def _error_messages():
        return {
            "required": _("this field is required."),
            "too_long": _("the text is too long."),
            "control_character": _("the text contains a control character."),
            "invalid_choice": _("choose one of the proposed values."),
            "unknown_field": _("this is not a field of the ticket form."),
        }

    @staticmethod
    def _create_portal_ticket(clean):
        """The ticket of the validated ``clean`` values, for the user's own
        contact (so their company's); the user follows it."""
        user = request.env.user
        partner = user.partner_id
        email = partner.email or ""
        vals = dict(clean, channel="portal", partner_id=partner.id,
                    company_id=user.company_id.id, contact_name=partner.name,
                    contact_email=email if "@" in email else False)
        vals.setdefault("contact_phone", partner.mobile or partner.phone or False)
        tickets = request.env["crm.service.ticket"].with_context(
            mail_create_nosubscribe=True)
        tickets = tickets.sudo()  # sudo: portal users submit validated values only
        ticket = tickets.create(vals)
        ticket.message_subscribe(partner_ids=partner.ids)
        return ticket.sudo(user.id)
