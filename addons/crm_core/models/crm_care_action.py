import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .crm_care_rule import ACTION_TYPES, OCCASIONS

_logger = logging.getLogger(__name__)

ACTION_STATES = [
    ("planned", "Planned"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]


class CrmCareAction(models.Model):
    """One care action for one customer on one date (生日祝福, 节日问候...): made
    by a care rule some days before, with a reminder for the customer's
    salesperson; e-mails and SMS go out on the day, calls and gifts are done by
    the salesperson. One per rule, customer and date."""

    _name = "crm.care.action"
    _description = "Care Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "care_date, id"
    # workflow-owned (issue 13): the cost counts against the rule's budget
    _crm_guarded_fields = {"cost": "crm_core.group_marketing_manager",
                           "user_id": "crm_core.group_marketing_manager"}

    name = fields.Char(compute="_compute_name")
    rule_id = fields.Many2one("crm.care.rule", "Care Rule", required=True,
                              index=True, ondelete="cascade", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer or Contact", required=True,
                                 index=True, ondelete="cascade", readonly=True)
    care_date = fields.Date("Date", required=True, index=True, readonly=True)
    occasion = fields.Selection(OCCASIONS, readonly=True)
    action_type = fields.Selection(ACTION_TYPES, "Action", readonly=True)
    level_id = fields.Many2one("crm.dictionary.item", "Customer Level",
                               readonly=True)
    user_id = fields.Many2one("res.users", "Owner", index=True,
                              track_visibility="onchange")
    cost = fields.Monetary(currency_field="currency_id")
    company_id = fields.Many2one("res.company")
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    state = fields.Selection(ACTION_STATES, "Status", default="planned",
                             required=True, readonly=True, index=True,
                             track_visibility="onchange")
    date_done = fields.Date("Done On", readonly=True)
    sms_message_id = fields.Many2one("crm.sms.message", "SMS", readonly=True)
    note = fields.Text()

    _sql_constraints = [
        ("rule_partner_date_uniq", "unique(rule_id, partner_id, care_date)",
         "A care rule acts once per customer and date."),
    ]

    @api.multi
    @api.depends("rule_id.name", "partner_id.name", "care_date")
    def _compute_name(self):
        for action in self:
            action.name = "%s - %s" % (action.rule_id.name or "",
                                       action.partner_id.name or "")

    # --- actions ---------------------------------------------------------------------

    @api.multi
    def action_done(self):
        if self.filtered(lambda a: a.state != "planned"):
            raise UserError(_("Done: only planned care actions can be done."))
        self.write({"state": "done", "date_done": fields.Date.context_today(self)})
        self.activity_ids.action_feedback(feedback=_("Done"))
        return True

    @api.multi
    def action_cancel(self):
        if self.filtered(lambda a: a.state != "planned"):
            raise UserError(_("Cancel: only planned care actions can be cancelled."))
        self.write({"state": "cancelled"})
        self.activity_ids.unlink()
        return True

    # --- business methods ------------------------------------------------------------

    @api.multi
    def _create_reminders(self):
        """A to-do (a call for call tasks) for each action's owner, due on the
        care date, in one INSERT."""
        if not self.ids:
            return
        model = self.env["ir.model"]._get(self._name)
        todo = self.env.ref("mail.mail_activity_data_todo")
        call = self.env.ref("mail.mail_activity_data_call")
        self.env.cr.execute("""
            INSERT INTO mail_activity
                   (res_id, res_model_id, res_model, res_name, activity_type_id,
                    summary, note, date_deadline, user_id,
                    create_uid, create_date, write_uid, write_date)
            SELECT a.id, %(model_id)s, %(model)s, r.name || ' - ' || p.name,
                   CASE WHEN a.action_type = 'call' THEN %(call)s ELSE %(todo)s END,
                   r.name || ': ' || p.name, r.instructions, a.care_date, a.user_id,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                   now() AT TIME ZONE 'UTC'
              FROM crm_care_action a
              JOIN crm_care_rule r ON r.id = a.rule_id
              JOIN res_partner p ON p.id = a.partner_id
             WHERE a.id = ANY(%(ids)s) AND a.user_id IS NOT NULL
        """, {"model_id": model.id, "model": self._name, "call": call.id,
              "todo": todo.id, "uid": self.env.uid, "ids": self.ids})
        self.invalidate_cache(["activity_ids"])

    @api.model
    def _execute_due(self, today):
        """Carry out the planned e-mail and SMS actions whose day has come: per
        rule, one mass e-mail through the rule's template, or one batch of SMS
        (consent checked, excluded ones cancelled with the reason). Calls and
        gifts wait for their owner. Returns how many actions were handled."""
        due = self.search([("state", "=", "planned"),
                           ("action_type", "in", ("email", "sms")),
                           ("care_date", "<=", fields.Date.to_string(today))])
        for rule in due.mapped("rule_id"):
            actions = due.filtered(lambda a, r=rule: a.rule_id == r)
            if rule.action_type == "email":
                actions._send_email(rule)
            else:
                actions._send_sms(rule)
        return len(due)

    @api.multi
    def _send_email(self, rule):
        """One mass e-mail of the rule's template to the customers who have an
        address and have not refused marketing e-mail; the others' actions are
        cancelled with the reason."""
        _allowed, refused = self.env["crm.consent"].check(
            self.mapped("partner_id"), "email", "marketing")
        skipped = self.env["crm.care.action"]
        for reason in set(refused.values()):
            group = self.filtered(lambda a, r=reason: refused.get(a.partner_id.id) == r)
            group.write({"state": "cancelled", "note": _("consent: %s") % reason})
            skipped |= group
        no_address = (self - skipped).filtered(lambda a: not a.partner_id.email)
        no_address.write({"state": "cancelled", "note": _("no e-mail address")})
        todo = self - skipped - no_address
        partners = todo.mapped("partner_id")
        if not partners:
            return
        composer = self.env["mail.compose.message"].with_context(
            active_ids=partners.ids, active_model="res.partner").create({
                "composition_mode": "mass_mail", "model": "res.partner",
                "template_id": rule.mail_template_id.id,
                "subject": rule.mail_template_id.subject,
                "body": rule.mail_template_id.body_html, "no_auto_thread": True,
            })
        composer.with_context(active_ids=partners.ids).send_mail(auto_commit=False)
        todo.write({"state": "done", "date_done": fields.Date.context_today(self)})

    @api.multi
    def _send_sms(self, rule):
        messages = self.env["crm.sms.message"]._queue_for_partners(
            self.mapped("partner_id"), {
                "gateway_id": rule.sms_gateway_id.id, "body": rule.sms_body,
                "priority": "1"}, purpose="marketing")
        by_partner = {m.partner_id.id: m for m in messages}
        today = fields.Date.context_today(self)
        self.env.cr.execute("""
            UPDATE crm_care_action a
               SET sms_message_id = v.message_id,
                   state = CASE WHEN m.state = 'excluded' THEN 'cancelled'
                                ELSE 'done' END,
                   note = CASE WHEN m.state = 'excluded' THEN m.error ELSE a.note END,
                   date_done = %s, write_date = now() AT TIME ZONE 'UTC'
              FROM unnest(%s::int[], %s::int[]) AS v(action_id, message_id)
              JOIN crm_sms_message m ON m.id = v.message_id
             WHERE a.id = v.action_id
        """, (today, self.ids, [by_partner[a.partner_id.id].id for a in self]))
        self.invalidate_cache()
