"""XSS in the real browser (issue 13): every Char, Text and Html field of ours holds
a payload unique to it, and ordinary users of each role open the pages that show
them: the form, list and kanban views, the portal's ticket and knowledge pages,
the caller pop-up (rung through the telephony event API), the wallboard and the
e-mails our mail templates render. The flow (tests/browser/xss_flow.js) records
every payload that ran (``window.__xss``, defined by an init script before any page
script), every element the payloads managed to inject (an ``on*`` attribute, a
``<script>``, a ``javascript:`` link) and which payloads it found shown as text;
the test wants nothing run, nothing injected, and the payloads shown.

A self-check proves the detector works: the flow itself puts a payload into the
page with ``innerHTML`` and the test wants it reported as run and injected.

What the walk over the registry leaves out, and why, is in ``skip_reason``. A
value the ORM refuses (a code with a pattern, a phone number) is written with SQL
instead, as old or imported data would be, so that its rendering is checked all
the same; Html fields are the exception: the ORM's sanitizer is their defence, so
they are written through the ORM only.
"""
import base64
import json

from odoo import fields
from psycopg2 import sql
from werkzeug.wrappers import Response

from odoo.addons.crm_core.tests import http_case

from .browser_case import LOG_DIR, PASSWORD, BrowserCase
from .test_browser_popup import BusPoll

OURS = ("crm_core", "crm_service", "crm_callcenter", "crm_analytics")
TOKEN = "browser-xss-token-0123456789"
MAIL_PATH = "/__xss__/mail/"
COVERAGE = LOG_DIR / "xss-coverage.json"
#: secrets: stored for the machine, never shown to anyone
SECRET_FIELDS = {"token", "token_hash", "originate_token", "callback_token",
                 "access_key_secret", "session_key"}
#: domains: parsed as Python by the domain widget, never shown as text
DOMAIN_FIELDS = {"domain", "partner_domain"}
#: pages that show no text of a payload, and why (every other page must show one)
NO_TEXT_PAGES = {
    "self-check": "the flow's own payload, not a field's",
    "crm.sales.target tree": "the list shows the salesperson, the computed period "
                             "and amounts; its only text field, the note, is on the "
                             "form",
}
#: Odoo's own fields that our views, pop-up and wallboard show: filled too
CORE_FIELDS = {
    "res.partner": ["name", "street", "city", "function", "comment", "website"],
    "crm.lead": ["name", "partner_name", "contact_name", "city", "description",
                 "referred"],
    "sale.order": ["client_order_ref", "note"],
    "utm.campaign": ["name"],
    "res.users": ["name"],
}


def skip_reason(model, name, field):
    """Why a Char/Text/Html field gets no payload of its own, or None."""
    if model._transient:
        return "wizard (transient): shows what its caller passes"
    if not model._auto:
        return "SQL view: shows the source records' values"
    if field.related:
        return "related: the source field has its own payload"
    if field.compute and not field.store:
        return "computed, not stored: derived from fields that have payloads"
    if field.compute:
        return "computed and stored: derived from fields that have payloads"
    if name in SECRET_FIELDS:
        return "secret: never shown"
    size = getattr(field, "size", None)
    if size and size < 20:
        return "at most %d character(s): too short to hold a payload" % size
    if name in DOMAIN_FIELDS or name.endswith("_domain"):
        return "domain expression: parsed, not shown as text"
    return None


def ours(model, field):
    return model._original_module in OURS or field._module in OURS


def collect_fields(env):
    """Every Char/Text/Html field of our models and of the fields we added to
    Odoo's: {(model, field): skip reason or None}."""
    found = {}
    for model_name in sorted(env.registry):
        model = env[model_name]
        for name, field in sorted(model._fields.items()):
            if field.type in ("char", "text", "html") and ours(model, field):
                found[(model_name, name)] = skip_reason(model, name, field)
    return found


def is_url(name):
    return name == "website" or name.endswith("url")


def payload(token, ftype, name):
    """(the value written, the text a user must see where it is shown)."""
    run = "window.__xss.push('%s')" % token
    if is_url(name):
        value = "javascript:%s" % run
        return value, value
    if ftype == "html":
        value = ('<p>%s html</p><img src=x onerror="%s"><script>%s</script>'
                 '<a href="javascript:%s">%s link</a>' % (token, run, run, run, token))
        return value, "%s html" % token
    value = '%s "><img src=x onerror="%s"><script>%s</script>' % (token, run, run)
    return value, value


class MailPages(object):
    """Serves the e-mails our templates rendered at /__xss__/mail/<n>, so that the
    browser loads each one as a page of its own; everything else goes on to the
    bus poll and Odoo."""

    def __init__(self, app):
        self.app = app
        self.bodies = []

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(MAIL_PATH):
            number = int(path[len(MAIL_PATH):])
            return Response(self.bodies[number], content_type="text/html")(
                environ, start_response)
        return self.app(environ, start_response)


class TestBrowserXss(BrowserCase):

    @classmethod
    def _create_records(cls):
        cls.env = cls.env(context=dict(cls.env.context, mail_create_nosubscribe=True,
                                       no_reset_password=True))
        cls.fields_found = collect_fields(cls.env)
        cls.tokens = {}        # token -> "model.field"
        cls.expect = {}        # token -> the text shown
        cls.written = {}       # "model.field" -> "orm" | "sql" | "refused: ..."
        cls._create_users()
        cls.records = cls._create_fixture()
        cls._fill_payloads()
        # the agent sees the deals and follow-ups they own: one each for the
        # pop-up, with the same payloads as the rep's
        lead = cls.records["crm.lead"]
        lead.copy({"name": lead.name, "user_id": cls.agent_user.id,
                   "type": "opportunity"})
        followup = cls.records["crm.followup"]
        followup.copy({"summary": followup.summary, "user_id": cls.agent_user.id})
        cls.pages_by_user = cls._pages()

    # --- users and records ------------------------------------------------------

    @classmethod
    def _user(cls, login, groups, **vals):
        return cls.new_user(login, groups, password=PASSWORD, lang="en_US",
                            tz="Asia/Shanghai", **vals)

    @classmethod
    def _create_users(cls):
        cls.rep = cls._user("xss_rep", ["sales_team.group_sale_salesman"])
        cls.service = cls._user("xss_service", ["crm_core.group_service_manager"])
        cls.supervisor = cls._user("xss_supervisor", [
            "crm_core.group_callcenter_supervisor",
            "crm_callcenter.group_callcenter_recordings"])
        cls.agent_user = cls._user("xss_agent", ["crm_core.group_callcenter_agent"])
        cls.marketing = cls._user("xss_marketing", ["crm_core.group_marketing_manager"])
        cls.consultant = cls._user("xss_consultant", ["crm_core.group_crm_admin"])
        # a colleague no one logs in as: their name is a payload wherever a
        # record shows its salesperson, owner or agent
        cls.colleague = cls._user("xss_colleague", [
            "sales_team.group_sale_salesman", "crm_core.group_callcenter_agent"])

    @classmethod
    def _create_fixture(cls):
        env = cls.env
        # the ring's phone system; the payloads go into another one (a country
        # code that is a payload would keep the caller's number from matching)
        ring_connection = env["crm.callcenter.connection"].create({
            "name": "XSS Ring PBX", "token": TOKEN, "country_code": "CN",
            "timezone": "Asia/Shanghai"})
        connection = env["crm.callcenter.connection"].create({
            "name": "XSS PBX", "country_code": "CN", "timezone": "Asia/Shanghai"})
        agent = env["crm.callcenter.agent"].create(
            {"user_id": cls.agent_user.id, "status": "available"})
        env["crm.callcenter.extension"].create({
            "number": "6611", "connection_id": ring_connection.id,
            "agent_id": agent.id})
        env["crm.callcenter.agent"].create(
            {"user_id": cls.colleague.id, "status": "available"})
        dictionary = env["crm.dictionary"].create({"name": "XSS Dict", "code": "xss"})
        level_dict = env["crm.dictionary"].search([("code", "=", "customer_level")])
        level = env["crm.dictionary.item"].create(
            {"dictionary_id": level_dict.id, "name": "XSS Level", "code": "xss_lvl"})
        channel = env["crm.dictionary.item"].search(
            [("dictionary_code", "=", "followup_channel")], limit=1)
        customer = env["res.partner"].create({
            "name": "XSS Customer", "is_company": True, "customer": True,
            "phone": "+86 21 6611 0000", "user_id": cls.colleague.id,
            "customer_level_id": level.id})
        # the colleague owns the customer (their name is a payload where the
        # customer shows its salesperson) and shares it with the rep
        env["crm.customer.share"].create(
            {"partner_id": customer.id, "user_id": cls.rep.id, "access": "write"})
        contact = env["res.partner"].create(
            {"name": "XSS Contact", "parent_id": customer.id,
             "email": "xss.contact@example.com"})
        cls.portal = cls._user("xss_portal", ["base.group_portal"],
                               partner_id=contact.id)
        lead = env["crm.lead"].create({
            "name": "XSS Lead", "type": "opportunity", "partner_id": customer.id,
            "user_id": cls.rep.id, "planned_revenue": 1000})
        order = env["sale.order"].create(
            {"partner_id": customer.id, "user_id": cls.rep.id})
        followup = env["crm.followup"].create({
            "partner_id": customer.id, "channel_id": channel.id, "summary": "XSS",
            "user_id": cls.rep.id})
        team = env["crm.service.team"].create(
            {"name": "XSS Team", "member_ids": [(6, 0, cls.service.ids)]})
        category = env["crm.service.category"].create({"name": "XSS Category"})
        policy = env["crm.service.compensation.policy"].search(
            [("compensation_type", "=", "credit_note")], limit=1)
        ticket = env["crm.service.ticket"].create({
            "name": "XSS Ticket", "partner_id": contact.id, "team_id": team.id,
            "category_id": category.id, "description": "XSS",
            "ticket_type": "complaint", "complaint_level_id": policy.level_id.id})
        article = env["crm.service.article"].create(
            {"title": "XSS Article", "body": "<p>XSS</p>", "is_public": True,
             "category_ids": [(6, 0, category.ids)]})
        article.action_publish()
        product = env["product.product"].create({"name": "XSS Product"})
        defect = env["crm.service.defect"].create(
            {"name": "XSS Defect", "product_id": product.id})
        compensation = env["crm.service.compensation"].create(
            {"ticket_id": ticket.id, "reason": "XSS"})
        visit = env["crm.service.visit"].create({"ticket_id": ticket.id})
        version = env["crm.service.article.version"].create({
            "article_id": article.id, "version": 99, "title": "XSS Version"})
        queue = env["crm.callcenter.queue"].create(
            {"name": "XSS Queue", "code": "xssq", "connection_id": connection.id})
        call = env["crm.callcenter.call"].create({
            "pbx_call_id": "xss-call-1", "connection_id": connection.id,
            "partner_id": customer.id})
        script = env["crm.callcenter.script"].create({"name": "XSS Script"})
        # a choice: its answers are shown on the step
        step = env["crm.callcenter.script.step"].create({
            "script_id": script.id, "name": "XSS Step", "text": "XSS",
            "question_type": "choice", "branch_ids": [(0, 0, {"answer": "XSS"})]})
        call_list = env["crm.callcenter.call.list"].create(
            {"name": "XSS List", "connection_id": connection.id})
        ivr = env["crm.callcenter.ivr.menu"].create({
            "name": "XSS IVR", "code": "xssivr", "connection_id": connection.id,
            "prompt": "XSS"})
        campaign = env["utm.campaign"].create({"name": "XSS Campaign"})
        segment = env["crm.marketing.segment"].create({"name": "XSS Segment"})
        send = env["crm.marketing.send"].create({
            "name": "XSS Send", "campaign_id": campaign.id, "segment_id": segment.id,
            "body_html": "<p>XSS</p>"})
        sla = env["crm.service.sla.policy"].create(
            {"name": "XSS SLA", "response_hours": 4, "ticket_type": "fault"})
        cls.connection, cls.ticket = connection, ticket
        cls.article, cls.queue = article, queue
        records = {
            "res.partner": customer, "crm.lead": lead, "sale.order": order,
            "crm.followup": followup, "crm.service.ticket": ticket,
            "crm.service.compensation": compensation,
            "crm.service.compensation.policy": policy,
            "crm.service.complaint.level": policy.level_id,
            "crm.service.article": article, "crm.service.article.version": version,
            "crm.service.defect": defect, "crm.service.visit": visit,
            "crm.service.team": team, "crm.service.category": category,
            "crm.callcenter.call": call, "crm.callcenter.queue": queue,
            "crm.callcenter.script": script, "crm.callcenter.call.list": call_list,
            "crm.callcenter.ivr.menu": ivr, "crm.callcenter.connection": connection,
            "utm.campaign": campaign, "crm.marketing.segment": segment,
            "crm.marketing.send": send, "crm.dictionary": dictionary,
            "crm.dictionary.item": level,
            "crm.sales.target": env["crm.sales.target"].create({
                "user_id": cls.rep.id, "date_start": "2031-01-01",
                "date_end": "2031-01-31"}),
            "crm.pool": env["crm.pool"].create({"name": "XSS Pool"}),
            "crm.care.rule": env["crm.care.rule"].create({"name": "XSS Care"}),
            "crm.service.sla.policy": sla,
            "crm.service.escalation.level": env["crm.service.escalation.level"].create(
                {"name": "XSS Escalation", "policy_id": sla.id}),
            "crm.service.skill": env["crm.service.skill"].create({"name": "XSS Skill"}),
            "crm.callcenter.skill": env["crm.callcenter.skill"].create(
                {"name": "XSS CC Skill"}),
            "crm.quote.approval.rule": env["crm.quote.approval.rule"].create(
                {"name": "XSS Approval"}),
            "crm.sms.gateway": env["crm.sms.gateway"].create({"name": "XSS SMS"}),
            "res.users": cls.colleague,
            "crm.callcenter.script.step": step,
            "crm.callcenter.script.branch": step.branch_ids,
        }
        records.update(cls._create_log_fixture(records, agent))
        return records

    @classmethod
    def _create_log_fixture(cls, records, agent):
        """The records that processes write (logs, imports, events, dial requests,
        messages, send recipients) and the rules and options shown under the
        records above."""
        env = cls.env
        connection = records["crm.callcenter.connection"]
        customer, lead = records["res.partner"], records["crm.lead"]
        ticket, team = records["crm.service.ticket"], records["crm.service.team"]
        send = records["crm.marketing.send"]
        now = fields.Datetime.now()
        csv_file = base64.b64encode(b"name\nXSS\n")
        cdr_import = env["crm.callcenter.cdr.import"].create({
            "connection_id": connection.id, "file": csv_file,
            "filename": "xss.csv", "rows_error": 1})
        job = env["crm.import.job"].create(
            {"file": csv_file, "filename": "xss.csv", "user_id": cls.rep.id})
        # the segment's members are those of a snapshot of it
        snapshot = env["crm.marketing.segment.snapshot"].create(
            {"segment_id": records["crm.marketing.segment"].id})
        tag = env["crm.service.article.tag"].create({"name": "XSS Tag"})
        sales_team = env["crm.team"].create({"name": "XSS Sales Team"})
        call = records["crm.callcenter.call"]
        calendar = env.user.company_id.resource_calendar_id
        records["crm.service.article"].tag_ids = tag
        return {
            "crm.callcenter.agent.status.log": env[
                "crm.callcenter.agent.status.log"].create({
                    "agent_id": agent.id, "user_id": cls.agent_user.id,
                    "status": "available", "date_start": now}),
            "crm.callcenter.cdr.import": cdr_import,
            "crm.callcenter.cdr.import.error": env[
                "crm.callcenter.cdr.import.error"].create(
                    {"import_id": cdr_import.id, "line": 2, "message": "XSS"}),
            "crm.callcenter.dial.log": env["crm.callcenter.dial.log"].create({
                "connection_id": connection.id, "user_id": cls.agent_user.id,
                "agent_id": agent.id, "reference": "xss-dial-1",
                "partner_id": customer.id}),
            "crm.callcenter.event": env["crm.callcenter.event"].create({
                "connection_id": connection.id, "call_id": records[
                    "crm.callcenter.call"].id, "pbx_call_id": "xss-call-1",
                "event": "ring", "event_key": "xss-event-1", "timestamp": now}),
            "crm.callcenter.ivr.option": env["crm.callcenter.ivr.option"].create({
                "menu_id": records["crm.callcenter.ivr.menu"].id, "digit": "1",
                "label": "XSS", "action": "self_service",
                "self_service": "ticket_status"}),
            "crm.assignment.log": env["crm.assignment.log"].create(
                {"lead_id": lead.id, "user_id": cls.rep.id}),
            "crm.pool.log": env["crm.pool.log"].create({
                "partner_id": customer.id, "pool_id": records["crm.pool"].id,
                "action": "claim", "user_id": cls.rep.id, "owner_id": cls.rep.id}),
            "crm.import.job": job,
            "crm.import.job.column": env["crm.import.job.column"].create(
                {"job_id": job.id, "sequence": 0}),
            "crm.login.log": env["crm.login.log"].create(
                {"login": "xss", "user_id": cls.rep.id, "result": "failed"}),
            "crm.login.session": env["crm.login.session"].create(
                {"user_id": cls.rep.id, "session_key": "xss-session-key"}),
            "crm.marketing.segment.snapshot": snapshot,
            "crm.marketing.segment.member": env[
                "crm.marketing.segment.member"].create(
                    {"snapshot_id": snapshot.id, "partner_id": customer.id}),
            "crm.marketing.send.member": env["crm.marketing.send.member"].create(
                {"send_id": send.id, "campaign_id": send.campaign_id.id,
                 "partner_id": customer.id, "channel": "sms", "state": "excluded"}),
            "crm.sms.message": env["crm.sms.message"].create({
                "number": "+8613800000000", "partner_id": customer.id,
                "gateway_id": records["crm.sms.gateway"].id,
                "send_id": send.id, "campaign_id": send.campaign_id.id}),
            "crm.quote.approval.log": env["crm.quote.approval.log"].create({
                "order_id": records["sale.order"].id, "salesman_id": cls.rep.id,
                "action": "request", "user_id": cls.rep.id}),
            "crm.service.coupon": env["crm.service.coupon"].create({
                "partner_id": customer.id, "amount": 10,
                "expiry_date": "2031-12-31"}),
            "crm.service.escalation.log": env["crm.service.escalation.log"].create(
                {"name": "XSS", "ticket_id": ticket.id, "kind": "response"}),
            "crm.service.defect.rule": env["crm.service.defect.rule"].create(
                {"name": "XSS Defect Rule"}),
            "crm.service.dispatch.rule": env["crm.service.dispatch.rule"].create(
                {"name": "XSS Dispatch", "team_id": team.id}),
            "crm.service.visit.policy": env["crm.service.visit.policy"].create(
                {"name": "XSS Visit Policy"}),
            "crm.service.article.tag": tag,
            # not the ring's phone system: a payload number would not ring
            "crm.callcenter.extension": env["crm.callcenter.extension"].create(
                {"number": "6612", "connection_id": connection.id}),
            "crm.care.holiday": env["crm.care.holiday"].create({"name": "XSS"}),
            "crm.care.action": env["crm.care.action"].create({
                "rule_id": records["crm.care.rule"].id, "partner_id": customer.id,
                "care_date": "2031-01-01"}),
            "crm.consent": env["crm.consent"].create(
                {"partner_id": customer.id, "channel": "sms", "status": "opt_in"}),
            "crm.assignment.rule": env["crm.assignment.rule"].create(
                {"name": "XSS Assignment", "team_id": sales_team.id}),
            "crm.lead.capture": env["crm.lead.capture"].create(
                {"name": "XSS Capture", "team_id": sales_team.id}),
            "crm.recycle.bin": env["crm.recycle.bin"].create({
                "name": "XSS", "res_model": "res.partner", "res_id": 0,
                "deleted_by_id": cls.rep.id, "deleted_at": now,
                "company_id": env.user.company_id.id}),
            "crm.callcenter.call.list.entry": env[
                "crm.callcenter.call.list.entry"].create({
                    "list_id": records["crm.callcenter.call.list"].id,
                    "partner_id": customer.id, "last_call_id": call.id}),
            # the answers of the entry's last call
            "crm.callcenter.call.answer": env["crm.callcenter.call.answer"].create(
                {"call_id": call.id, "step_id": records[
                    "crm.callcenter.script.step"].id}),
            "crm.service.compensation.approval": env[
                "crm.service.compensation.approval"].create(
                    {"compensation_id": records["crm.service.compensation"].id}),
            # the exceptions of the company's business calendar
            "resource.calendar": calendar,
            "crm.service.workday": env["crm.service.workday"].create(
                {"calendar_id": calendar.id, "date": "2031-10-08"}),
        }

    # --- payloads -----------------------------------------------------------------

    @classmethod
    def _fields_to_fill(cls, model_name):
        model = cls.env[model_name]
        names = [name for (mname, name), reason in sorted(cls.fields_found.items())
                 if mname == model_name and reason is None]
        for name in CORE_FIELDS.get(model_name, []):
            if name not in names:
                names.append(name)
        return [(name, model._fields[name]) for name in names]

    @classmethod
    def _fill_payloads(cls):
        for model_name, record in sorted(cls.records.items()):
            for name, field in cls._fields_to_fill(model_name):
                token = "x%03d" % (len(cls.tokens) + 1)
                key = "%s.%s" % (model_name, name)
                value, shown = payload(token, field.type, name)
                cls.tokens[token] = key
                cls.expect[token] = shown
                cls.written[key] = cls._write(record, name, field, value)

    @classmethod
    def _write(cls, record, name, field, value):
        try:
            with cls.env.cr.savepoint():
                record.write({name: value})
            return "orm"
        except Exception as err:  # pylint: disable=broad-except
            refusal = "refused: %s" % (str(err).splitlines() or [""])[0][:120]
        if field.type == "html" or not field.store:
            return refusal
        # as old or imported data would hold it
        table = record._table
        cls.env.cr.execute(
            sql.SQL("UPDATE {} SET {} = %s WHERE id = %s").format(
                sql.Identifier(table), sql.Identifier(name)),
            (value, record.id))
        record.invalidate_cache([name], record.ids)
        return "sql (%s)" % refusal

    # --- pages ------------------------------------------------------------------------

    @classmethod
    def _action(cls, model_name, record, modes):
        views = cls.env["ir.ui.view"].search(
            [("model", "=", model_name), ("mode", "=", "primary")]).mapped("type")
        modes = [mode for mode in modes if mode in views]
        action = cls.env["ir.actions.act_window"].create({
            "name": "XSS %s" % model_name, "res_model": model_name,
            "view_mode": ",".join(modes),
            "domain": [("id", "=", record.id)],
            "context": "{'active_test': False}"})
        return action, modes

    @classmethod
    def _views(cls, model_name, modes=("kanban", "tree", "form")):
        record = cls.records[model_name]
        action, modes = cls._action(model_name, record, modes)
        pages = []
        for mode in modes:
            url = "/web#action=%d&view_type=%s" % (
                action.id, "list" if mode == "tree" else mode)
            if mode == "form":
                url += "&model=%s&id=%d" % (model_name, record.id)
            pages.append({"name": "%s %s" % (model_name, mode), "url": url,
                          "kind": "web", "view": mode, "action": action.name})
        return pages

    @classmethod
    def _pages(cls):
        wallboard = cls.env.ref("crm_callcenter.crm_callcenter_wallboard_action")
        cls.mail_pages = MailPages(None)
        mails = cls._mail_pages()
        # models without views of their own are shown in their parent's form:
        # approval log (order), IVR option (menu), script step and branch
        # (script), CDR import error (CDR import), import column (import job),
        # segment member (snapshot), call answer (call list entry), compensation
        # approval (compensation), make-up working day (business calendar)
        sales = ["res.partner", "crm.lead", "sale.order", "crm.followup",
                 "crm.sales.target", "crm.import.job", "crm.assignment.log",
                 "crm.pool.log"]
        service = ["crm.service.ticket", "crm.service.compensation",
                   "crm.service.article", "crm.service.defect", "crm.service.visit",
                   "crm.service.team", "crm.service.category",
                   "crm.service.sla.policy", "crm.service.escalation.level",
                   "crm.service.skill", "crm.service.coupon",
                   "crm.service.escalation.log", "crm.service.defect.rule",
                   "crm.service.dispatch.rule", "crm.service.visit.policy",
                   "crm.service.article.tag"]
        callcenter = ["crm.callcenter.call", "crm.callcenter.queue",
                      "crm.callcenter.script", "crm.callcenter.call.list",
                      "crm.callcenter.ivr.menu", "crm.callcenter.skill",
                      "crm.callcenter.event", "crm.callcenter.dial.log",
                      "crm.callcenter.cdr.import", "crm.callcenter.agent.status.log",
                      "crm.callcenter.extension", "crm.callcenter.call.list.entry"]
        marketing = ["utm.campaign", "crm.marketing.segment", "crm.marketing.send",
                     "crm.care.action",
                     "crm.marketing.segment.snapshot", "crm.marketing.send.member",
                     "crm.sms.message"]
        config = ["crm.dictionary", "crm.pool", "crm.care.rule",
                  "crm.quote.approval.rule", "crm.sms.gateway",
                  "crm.callcenter.connection", "crm.login.log",
                  "crm.login.session", "crm.care.holiday", "crm.consent",
                  "crm.assignment.rule", "crm.lead.capture", "crm.recycle.bin"]

        def views(names):
            return [page for name in names for page in cls._views(name)]
        ticket_url = "/my/tickets/%d" % cls.ticket.id
        return [
            (cls.rep, views(sales) + mails),
            (cls.service, views(service) + cls._views(
                "crm.service.article.version", ("form",))),
            (cls.supervisor, views(callcenter) + [{
                "name": "wallboard", "kind": "web", "view": "wallboard",
                "url": "/web#action=%d" % wallboard.id,
                "wait": ".o_crm_wallboard_queues"}]),
            (cls.marketing, views(marketing)),
            (cls.consultant, views(config) + cls._views("crm.dictionary.item",
                                                        ("form",)) + cls._views(
                "resource.calendar", ("form",))),
            (cls.agent_user, [{"name": "caller pop-up", "kind": "popup",
                               "token": TOKEN, "event": cls._ring()}]),
            (cls.portal, [
                {"name": "portal home", "kind": "page", "url": "/my/home",
                 "wait": ".o_portal_service_tickets"},
                {"name": "portal tickets", "kind": "page", "url": "/my/tickets",
                 "wait": ".o_portal_ticket_table"},
                {"name": "portal ticket", "kind": "page", "url": ticket_url,
                 "wait": ".o_portal_ticket"},
                {"name": "knowledge list", "kind": "page",
                 "url": "/knowledge?search=x", "wait": "body"},
                {"name": "knowledge article", "kind": "page",
                 "url": "/knowledge/%d" % cls.article.id, "wait": ".o_knowledge_body"},
            ]),
        ]

    @classmethod
    def _ring(cls):
        return {"event": "ring", "call_id": "xss-ring-1", "direction": "inbound",
                "from": "02166110000", "to": "4008001234", "extension": "6611",
                "timestamp": fields.Datetime.now().replace(" ", "T") + "Z"}

    @classmethod
    def _mail_pages(cls):
        """Our mail templates rendered for the records full of payloads; the
        rendered texts are checked here, the browser loads each body."""
        templates = cls.env["ir.model.data"].search([
            ("module", "in", OURS), ("model", "=", "mail.template")])
        cls.mails = []
        pages = []
        for data in templates:
            template = cls.env["mail.template"].browse(data.res_id)
            record = cls.records.get(template.model_id.model)
            if not record:
                cls.mails.append({"template": data.complete_name, "record": None})
                continue
            mail = template.generate_email(
                record.id, fields=["subject", "body_html", "email_from", "email_to"])
            number = len(cls.mail_pages.bodies)
            cls.mail_pages.bodies.append(
                "<!DOCTYPE html><html><head><meta charset='utf-8'><title>%s</title>"
                "</head><body>%s</body></html>" % (data.complete_name,
                                                   mail["body_html"]))
            cls.mails.append({"template": data.complete_name, "record": record,
                              "mail": mail})
            pages.append({"name": "mail %s" % data.complete_name, "kind": "page",
                          "url": "%s%d" % (MAIL_PATH, number), "wait": "body"})
        return pages

    @classmethod
    def _start_server(cls):
        cls.mail_pages.app = BusPoll(http_case.application, cls.registry)
        cls.server = http_case.make_server(
            "127.0.0.1", 0, cls.mail_pages, threaded=True,
            request_handler=cls.request_handler)
        cls.base_url = "http://127.0.0.1:%d" % cls.server.port
        cls.server_thread = http_case.threading.Thread(
            target=cls.server.serve_forever, name="test-http", daemon=True)
        cls.server_thread.start()

    # --- the test ---------------------------------------------------------------------

    flow_timeout = 300

    def test_no_payload_runs_anywhere(self):
        sessions = [{"login": user.login, "pages": pages,
                     "longpolling": user == self.agent_user,
                     "portal": user == self.portal}
                    for user, pages in self.pages_by_user]
        seen = self.run_flow("xss_flow.js", self.rep, sessions=sessions,
                             expect=self.expect)
        pages = seen["pages"]
        shown = {}
        for page in pages:
            for token in page["shown"]:
                shown.setdefault(self.tokens[token], []).append(page["name"])
        self._write_coverage(pages, shown)

        # the detector works: the flow's own innerHTML payload is caught
        selfcheck = [page for page in pages if page["name"] == "self-check"]
        self.assertEqual(len(selfcheck), 1, [page["name"] for page in pages])
        self.assertEqual(selfcheck[0]["executed"], ["selfcheck"])
        self.assertEqual(selfcheck[0]["injected"], ["selfcheck onerror"])

        ran = {page["name"]: [self.tokens.get(t, t) for t in page["executed"]]
               for page in pages if page["executed"] and page["name"] != "self-check"}
        injected = {page["name"]: page["injected"] for page in pages
                    if page["injected"] and page["name"] != "self-check"}
        self.assertEqual(ran, {}, "payloads ran")
        self.assertEqual(injected, {}, "payloads injected elements")

        # and the pages did show the payloads, as text
        names = {page["name"] for page in pages}
        expected_pages = {page["name"] for _user, user_pages in self.pages_by_user
                          for page in user_pages}
        self.assertEqual(expected_pages - names, set())
        blank = sorted(page["name"] for page in pages
                       if not page["shown"] and page["name"] not in NO_TEXT_PAGES)
        popup = next(page for page in pages if page["name"] == "caller pop-up")
        self.assertEqual(blank, [], "pages that showed no payload: %s" % popup)
        for key in ("res.partner.name", "crm.lead.name", "crm.service.ticket.name",
                    "crm.dictionary.item.name", "res.users.name",
                    "crm.followup.summary"):
            self.assertIn("caller pop-up", shown.get(key, []), key)
        for key in ("crm.callcenter.queue.name", "res.users.name"):
            self.assertIn("wallboard", shown.get(key, []), key)
        for key in ("crm.service.ticket.name", "crm.service.ticket.description"):
            self.assertIn("portal ticket", shown.get(key, []), key)
        self.assertIn("knowledge article", shown.get("crm.service.article.body", []))
        self.assertEqual(popup["executed"], [])
        self._check_mails()

    def _check_mails(self):
        self.assertTrue(self.mails, "no mail template of ours found")
        for mail in self.mails:
            self.assertTrue(mail["record"], "%s: no record of its model in the "
                                            "fixture" % mail["template"])
            body = mail["mail"]["body_html"]
            self.assertNotIn("<img src=x", body, mail["template"])
            self.assertNotIn("<script>", body, mail["template"])
            # the ticket's subject is in the body, as text
            subject = self._shown("crm.service.ticket.name")
            self.assertIn(subject.replace("<", "&lt;").replace(">", "&gt;"),
                          body.replace("&#34;", '"').replace("&#39;", "'"))

    def _shown(self, key):
        return next(self.expect[token] for token, field in self.tokens.items()
                    if field == key)

    def _write_coverage(self, pages, shown):
        filled = sorted(self.written)
        found = self.fields_found
        report = {
            "fields_found": len(found),
            "fields_skipped": {"%s.%s" % key: reason
                               for key, reason in sorted(found.items()) if reason},
            "fields_filled": len(filled),
            "payloads": len(self.tokens),
            "models_filled": len(self.records),
            "pages": len(pages),
            "written": self.written,
            "shown": shown,
            "never_shown": [key for key in filled if key not in shown],
            "pages_seen": [{"name": page["name"], "shown": len(page["shown"])}
                           for page in pages],
            "not_filled": sorted("%s.%s" % key for key, reason in found.items()
                                 if not reason and key[0] not in self.records),
        }
        COVERAGE.parent.mkdir(parents=True, exist_ok=True)
        COVERAGE.write_text(json.dumps(report, indent=1, sort_keys=True))
