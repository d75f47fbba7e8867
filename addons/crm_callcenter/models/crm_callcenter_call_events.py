"""How telephony events become a call: the call's fields derived from its events,
the caller matched to a customer, the agents' statuses and the caller pop-up."""
from psycopg2 import IntegrityError, errorcodes

from odoo import _, api, fields, models
from odoo.tools.misc import formatLang

from odoo.addons.crm_core.lib.phone import normalize_phone
from odoo.addons.crm_service.models.crm_service_ticket import STATES as TICKET_STATES

from ..lib.events import PHASE_STATUS, derive, extension_phases, phase_changes

#: the context of the event path: no followers, no creation messages, no tracking
QUIET = {"mail_create_nosubscribe": True, "mail_create_nolog": True,
         "tracking_disable": True, "mail_notrack": True}
POPUP_TOP = 3


class ConcurrentEvent(Exception):
    """Another request created the same call a moment ago: the event is processed
    again in a new transaction, which sees that call."""


class CrmCallcenterCall(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.callcenter.call"

    # --- the call of an event -------------------------------------------------------

    @api.model
    def _get_or_insert(self, connection, clean):
        """The call ``clean["call_id"]`` of ``connection``, created on its first
        event. Raises ConcurrentEvent when a concurrent request created it after
        this transaction began."""
        self.env.cr.execute(
            "SELECT id FROM crm_callcenter_call "
            "WHERE connection_id = %s AND pbx_call_id = %s",
            (connection.id, clean["call_id"]))
        row = self.env.cr.fetchone()
        if row:
            return self.browse(row[0])
        vals = {
            "pbx_call_id": clean["call_id"],
            "connection_id": connection.id,
            "direction": clean["direction"] or "inbound",
            "start_date": fields.Datetime.to_string(clean["timestamp"]),
        }
        try:
            with self.env.cr.savepoint():
                return self.with_context(**QUIET).create(vals)
        except IntegrityError as error:
            if error.pgcode == errorcodes.UNIQUE_VIOLATION:
                raise ConcurrentEvent()
            raise

    @api.multi
    def _event_answer(self):
        """The answer of the event API for this call."""
        self.ensure_one()
        return {"call_id": self.id, "partner_id": self.partner_id.id or None,
                "agent_user_id": self.user_id.id or None}

    @api.multi
    def _apply_events(self, event):
        """Bring this call up to date after its new ``event``: its fields from
        all its events (lib.events.derive), the caller matched, then the status of
        each agent whose part in the call changed, and a pop-up for an agent whose
        phone starts ringing. The row is locked first: concurrent events of one
        call are applied one after the other (a transaction that began before the
        other's commit fails to serialize and is run again)."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM crm_callcenter_call WHERE id = %s FOR UPDATE", (self.id,),
            log_exceptions=False)  # a concurrent event's commit: run again, no error
        events = self.env["crm.callcenter.event"]._dicts_of_call(self)
        before = [e for e in events if e["seq"] != event.id]
        derived = derive(events)
        connection = self.connection_id
        extensions = connection._extension_agents(
            {e["extension"] for e in events if e.get("extension")})
        vals = self._prepare_event_vals(derived, connection, extensions)
        self.with_context(**QUIET).write(vals)
        changes = phase_changes(extension_phases(before), extension_phases(events))
        if changes:
            new = next(e for e in events if e["seq"] == event.id)
            self._apply_phase_changes(changes, extensions, new["timestamp"])
        return True

    @api.multi
    def _prepare_event_vals(self, derived, connection, extensions):
        """The call's values from the derived fields: dates as strings, numbers in
        E.164 in the connection's country, the agent of the extension, and the
        customer matched when the number is new (or when several customers share
        it and the agent changed, since the agent's own customer wins)."""
        region = connection.country_code or "CN"
        caller = normalize_phone(derived["caller_number"], region) \
            if derived["caller_number"] else None
        called = normalize_phone(derived["called_number"], region) \
            if derived["called_number"] else None
        customer = {"inbound": caller, "outbound": called}.get(derived["direction"])
        vals = {
            "direction": derived["direction"],
            "caller_number": derived["caller_number"] or False,
            "called_number": derived["called_number"] or False,
            "caller_e164": caller or False,
            "called_e164": called or False,
            "customer_number": customer or False,
            "start_date": fields.Datetime.to_string(derived["start_date"]),
            "answer_date": fields.Datetime.to_string(derived["answer_date"]) or False,
            "end_date": fields.Datetime.to_string(derived["end_date"]) or False,
            "wait_seconds": derived["wait_seconds"],
            "talk_seconds": derived["talk_seconds"],
            "disposition": derived["disposition"],
            "state": derived["state"],
        }
        # what only some events tell: kept when none does (routing and the IVR
        # requests of the phone system write them too)
        for name in ("queue", "ivr_path", "recording_url"):
            if derived[name]:
                vals[name] = derived[name]
        if derived["recording_url"]:
            vals["has_recording"] = True
        if derived["extension"]:
            agent_id, user_id = extensions.get(derived["extension"], (None, None))
            vals.update(extension=derived["extension"], agent_id=agent_id or False,
                        user_id=user_id or False)
        user_id = vals.get("user_id", self.user_id.id)
        number_changed = (customer or False) != (self.customer_number or False)
        agent_changed = user_id != self.user_id.id and self.match_count > 1
        if number_changed or agent_changed:
            vals.update(self._match_caller(
                customer, self.env["res.users"].browse(user_id)))
        return vals

    # --- caller matching -------------------------------------------------------------

    @api.model
    def _match_caller(self, number, user):
        """The customer, contact and lead a caller's E.164 ``number`` belongs to,
        through the indexed match keys (res.partner._find_by_keys, then
        crm.lead._find_by_keys): the values partner_id, contact_id, lead_id,
        match_count and match_note of a call taken by ``user`` (may be empty).

        Several customers with the number: the one ``user`` owns wins, then the one
        with the latest activity (last follow-up or call), then the newest; the
        partner is that customer (the company of a contact), the contact the
        matching person in it. No customer: the same rule among open leads."""
        empty = {"partner_id": False, "contact_id": False, "lead_id": False,
                 "match_count": 0, "match_note": False}
        if not number:
            return empty
        lang = user.lang or self.env.context.get("lang")
        self = self.with_context(lang=lang)
        key = ("phone", number)
        partner_ids = self.env["res.partner"]._find_by_keys({key}).get(key)
        if partner_ids:
            return dict(empty, **self._choose_partner(partner_ids, user))
        lead_ids = self.env["crm.lead"]._find_by_keys({key}).get(key)
        if lead_ids:
            return dict(empty, **self._choose_lead(lead_ids, user))
        return empty

    @api.model
    def _choose_partner(self, partner_ids, user):
        """Rule for several partners with one number (see _match_caller), in one
        query over them, their customers and their last calls."""
        self.env.cr.execute("""
            SELECT p.id, p.commercial_partner_id, r.user_id = %(user)s AS owned,
                   coalesce(r.customer, FALSE) AS customer,
                   greatest(r.last_followup_date, max(c.start_date)) AS active,
                   r.create_date, p.parent_id IS NOT NULL AS is_contact
              FROM res_partner p
              JOIN res_partner r ON r.id = p.commercial_partner_id
              LEFT JOIN res_partner s ON s.commercial_partner_id = r.id
              LEFT JOIN crm_callcenter_call c ON c.partner_id = s.id
             WHERE p.id IN %(ids)s
             GROUP BY p.id, r.id
        """, {"user": user.id or 0, "ids": tuple(partner_ids)})
        rows = self.env.cr.dictfetchall()
        rows.sort(key=lambda r: (
            not r["owned"], not r["customer"], r["active"] is None,
            _negate(r["active"]), _negate(r["create_date"]), not r["is_contact"],
            -r["id"]))
        best = rows[0]
        customer = self.env["res.partner"].browse(best["commercial_partner_id"])
        contact = self.env["res.partner"].browse(best["id"]) \
            if best["is_contact"] else self.env["res.partner"]
        if len(rows) == 1:
            note = False
        elif best["owned"]:
            note = _("%(count)d records have this number; chose %(name)s: you are "
                     "its salesperson.") % {
                         "count": len(rows), "name": customer.display_name}
        elif best["active"]:
            note = _("%(count)d records have this number; chose %(name)s: the "
                     "latest activity (%(date)s).") % {
                         "count": len(rows), "name": customer.display_name,
                         "date": best["active"][:10]}
        else:
            note = _("%(count)d records have this number; chose %(name)s: the "
                     "newest, none has an activity.") % {
                         "count": len(rows), "name": customer.display_name}
        return {"partner_id": customer.id, "contact_id": contact.id,
                "match_count": len(rows), "match_note": note}

    @api.model
    def _choose_lead(self, lead_ids, user):
        """The same rule among leads: the user's own, then the latest changed."""
        leads = self.env["crm.lead"].browse(list(lead_ids)).exists()
        leads = leads.sorted(lambda lead: (
            lead.user_id != user, _negate(lead.write_date), lead.id))
        if not leads:
            return {}
        lead = leads[0]
        if len(leads) == 1:
            note = _("No customer has this number; it is the lead %s.") % lead.name
        else:
            note = _("No customer has this number; %(count)d leads have it, chose "
                     "%(name)s.") % {"count": len(leads), "name": lead.name}
        return {"lead_id": lead.id, "partner_id": lead.partner_id.id,
                "match_count": len(leads), "match_note": note}

    # --- agents ----------------------------------------------------------------------

    @api.multi
    def _apply_phase_changes(self, changes, extensions, at):
        """Move the agents of the extensions whose part in this call changed
        (lib.events.extension_phases): ringing, on a call, after-call work or back
        to available. An agent who has moved on to another call keeps that call's
        status when this one ends for them. An agent whose phone starts ringing (or
        who answers without a ring) gets the caller pop-up."""
        self.ensure_one()
        Agent = self.env["crm.callcenter.agent"]
        at = fields.Datetime.to_string(at)
        reasons = {
            "ringing": _("Call ringing"),
            "on_call": _("Call answered"),
            "done_answered": _("Call ended"),
            "done_missed": _("Call missed or taken by another agent"),
        }
        popups = Agent
        for phase in ("done_missed", "done_answered", "ringing", "on_call"):
            agent_ids = [extensions[ext][0] for ext, new in changes.items()
                         if new == phase and extensions.get(ext, (None,))[0]]
            agents = Agent.browse(agent_ids)
            if phase.startswith("done_"):
                # ends this call for them, not the next one they took
                agents = agents.filtered(
                    lambda a: a.current_call_id in (self, self.browse()))
            elif phase == "ringing":
                # an agent talking on another call does not ring
                agents = agents.filtered(
                    lambda a: a.status != "on_call" or a.current_call_id == self)
            agents._set_status(PHASE_STATUS[phase], at=at, reason=reasons[phase],
                               call=self)
            if phase == "ringing":
                popups |= agents
        popups |= Agent.browse([
            extensions[ext][0] for ext, new in changes.items()
            if new == "on_call" and extensions.get(ext, (None,))[0]
            and not self._extension_rang(ext)])
        for agent in popups:
            self._notify_popup(agent.user_id)
        return True

    @api.multi
    def _extension_rang(self, extension):
        self.env.cr.execute(
            "SELECT 1 FROM crm_callcenter_event WHERE call_id = %s "
            "AND event IN ('ring', 'transfer') AND extension = %s LIMIT 1",
            (self.id, extension))
        return bool(self.env.cr.fetchone())

    # --- the caller pop-up (来电弹屏) ------------------------------------------------

    @api.multi
    def _notify_popup(self, user):
        """Push the caller pop-up to ``user``'s browser: a bus row on the user's
        partner channel, written with the transaction (a retried request writes
        it once)."""
        self.ensure_one()
        payload = self._popup_payload(user)
        self.env["bus.bus"].sendone(
            (self.env.cr.dbname, "res.partner", user.partner_id.id), payload)
        return payload

    @api.multi
    def _popup_payload(self, user):
        """What the pop-up shows ``user``, read as that user (their record rules
        and field groups apply, in their language): the number, the customer or
        "unknown number", level, salesperson, open opportunities and tickets (count
        and the first three), the amount due when they may see it, the last
        follow-up, and links to the customer's 360 view and to the call."""
        self.ensure_one()
        env = self.env(user=user.id, context=dict(
            self.env.context, lang=user.lang or "en_US"))
        call = self.with_env(env).sudo()  # sudo: the call's own values; as it rang
        payload = {
            "type": "crm_callcenter.ring",
            "call_id": self.id,
            "call_url": "/web#id=%d&model=crm.callcenter.call&view_type=form"
                        % self.id,
            "number": call.customer_number_display,
            "direction": dict(call._fields["direction"]._description_selection(
                env)).get(call.direction),
            "queue": call.queue or False,
            "ivr_path": call.ivr_path or False,
            "match_count": call.match_count,
            "match_note": call.match_note or False,
            "customer": False,
            "contact": False,
            "lead": False,
            "opportunities": {"count": 0, "top": []},
            "tickets": {"count": 0, "top": []},
        }
        Partner = env["res.partner"]
        visible = Partner.search(
            [("id", "in", (call.partner_id | call.contact_id).ids)]).ids
        if call.partner_id.id in visible:
            payload.update(self._popup_customer(env, call.partner_id.id))
        if call.contact_id.id in visible:
            contact = Partner.browse(call.contact_id.id).read(["name", "function"])[0]
            payload["contact"] = {"id": contact["id"], "name": contact["name"],
                                  "function": contact["function"] or False}
        if call.lead_id:
            leads, _count = _visible(env["crm.lead"], [("id", "=", call.lead_id.id)],
                                     ["name"])
            payload["lead"] = leads[0] if leads else False
        return payload

    @api.model
    def _popup_customer(self, env, customer_id):
        """The customer part of the pop-up, read in ``env`` (the agent's): only
        the fields shown, each list in one search_read and one count."""
        Partner = env["res.partner"]
        root = Partner.browse(customer_id).read([
            "name", "customer_level_id", "user_id", "customer_code",
            "last_followup_date", "next_followup_date"])[0]
        # what res.partner.crm_amount_due shows, for the roles allowed to see it
        due_visible = Partner.user_has_groups(Partner._fields["crm_amount_due"].groups)
        due = due_visible and env["crm.finance"]._partner_amounts(
            [customer_id]).get(customer_id, (0.0, 0.0))[1]
        # amounts in the company currency (as crm_core computes them)
        currency = env.user.company_id.currency_id
        open_deals = [("type", "=", "opportunity"), ("probability", "<", 100),
                      ("partner_id", "child_of", customer_id)]
        deals, deal_count = _visible(
            env["crm.lead"], open_deals, ["name", "stage_id", "planned_revenue"],
            order="planned_revenue desc, id desc")
        Ticket = env["crm.service.ticket"]
        tickets, ticket_count = _visible(
            Ticket, [("commercial_partner_id", "=", customer_id),
                     ("is_open", "=", True)], ["number", "name", "state"])
        states = dict(Ticket._fields["state"]._description_selection(env)) \
            or dict(TICKET_STATES)
        last, _count = _visible(env["crm.followup"],
                                [("partner_id", "=", customer_id)], ["summary"],
                                limit=1)
        customer = {
            "id": customer_id,
            "name": root["name"],
            "url": "/web#id=%d&model=res.partner&view_type=form" % customer_id,
            "level": root["customer_level_id"] and root["customer_level_id"][1],
            "owner": root["user_id"] and root["user_id"][1],
            "code": root["customer_code"],
            "last_followup_date": root["last_followup_date"],
            "last_followup": last[0]["summary"] if last else False,
            "next_followup_date": root["next_followup_date"],
            "amount_due": False,
        }
        if due_visible:
            customer["amount_due"] = formatLang(env, due, currency_obj=currency)
        return {
            "customer": customer,
            "opportunities": {
                "count": deal_count,
                "top": [{"id": deal["id"], "name": deal["name"],
                         "stage": deal["stage_id"] and deal["stage_id"][1],
                         "revenue": formatLang(env, deal["planned_revenue"],
                                               currency_obj=currency)}
                        for deal in deals]},
            "tickets": {
                "count": ticket_count,
                "top": [{"id": ticket["id"], "number": ticket["number"],
                         "name": ticket["name"], "state": states.get(ticket["state"])}
                        for ticket in tickets]},
        }


def _visible(model, domain, names, order=None, limit=POPUP_TOP):
    """(the first rows as search_read gives them, the count) of ``domain`` that
    the user of ``model``'s environment may read; none when their role cannot
    read the model at all."""
    if not model.check_access_rights("read", raise_exception=False):
        return [], 0
    rows = model.search_read(domain, names, limit=limit, order=order)
    count = len(rows) if len(rows) < limit else model.search_count(domain)
    return rows, count


def _negate(moment):
    """A sort key putting later times (UTC strings) first."""
    if not moment:
        return 0
    return -fields.Datetime.from_string(moment).timestamp()
