import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.tools import html_escape

_logger = logging.getLogger(__name__)


class CrmLead(models.Model):
    """Leads remember the rule that assigned them (for the rule's capacity) and
    the web form they came from; a new lead without a salesperson is assigned at
    once when its team has rules that assign new leads."""

    # Apart from crm_lead.py while the parallel work on crm.lead is merged.
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    assignment_rule_id = fields.Many2one(
        "crm.assignment.rule", "Assigned by Rule", index=True, readonly=True,
        copy=False, ondelete="set null",
        help="The rule that gave this lead to its salesperson; cleared when the "
             "salesperson is changed by hand.")
    assignment_date = fields.Datetime("Assigned by Rule on", readonly=True,
                                      copy=False)
    assignment_log_ids = fields.One2many(
        "crm.assignment.log", "lead_id", "Assignment History", readonly=True)
    capture_id = fields.Many2one(
        "crm.lead.capture", "Web Form", index=True, readonly=True, copy=False,
        ondelete="set null", help="The lead capture form this lead came from.")

    @api.model_cr
    def init(self):
        """The scheduled assignment looks for the open leads without a
        salesperson of some teams: a partial index keeps that cheap at 1M leads."""
        self.env.cr.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = 'crm_lead_unassigned_idx'")
        if not self.env.cr.fetchone():
            self.env.cr.execute(
                "CREATE INDEX crm_lead_unassigned_idx ON crm_lead (team_id, id) "
                "WHERE user_id IS NULL AND active")
        return super(CrmLead, self).init()

    @api.model
    def create(self, vals):
        lead = super(CrmLead, self).create(vals)
        if not lead.user_id and lead.team_id and \
                not self.env.context.get("crm_no_auto_assign"):
            lead._assign_on_create()
        return lead

    @api.multi
    def write(self, vals):
        if self.ids and "user_id" in vals and "assignment_rule_id" not in vals:
            # Given to someone else by hand: the lead no longer counts against the
            # rule. One statement, whatever the number of leads; a refused write
            # rolls it back with the rest.
            self.env.cr.execute(
                "UPDATE crm_lead SET assignment_rule_id = NULL, assignment_date = NULL "
                "WHERE id IN %s AND assignment_rule_id IS NOT NULL "
                "AND user_id IS DISTINCT FROM %s",
                (tuple(self.ids), vals["user_id"] or None))
            self.invalidate_cache(["assignment_rule_id", "assignment_date"], self.ids)
        return super(CrmLead, self).write(vals)

    @api.multi
    def _capture_note(self, form, values):
        """A web-form post that duplicates this open lead: a note for its
        salesperson (in their language) with what the visitor sent."""
        self.ensure_one()
        lang = self.user_id.lang or self.env.user.lang
        self.with_context(lang=lang)._capture_note_post(form, values)

    def _capture_note_post(self, form, values):
        labels = [("name", _("Name")), ("company", _("Company")),
                  ("phone", _("Phone")), ("email", _("E-mail")),
                  ("subject", _("Subject")), ("message", _("Message"))]
        items = "".join(
            "<li>%s: %s</li>" % (html_escape(label), html_escape(values[key]))
            for key, label in labels if values.get(key))
        body = "<p>%s</p><ul>%s</ul>" % (
            html_escape(_("The customer wrote again through the web form %s:")
                        % form.name), items)
        self.message_post(
            body=body, subject=_("Web form: new request"), message_type="comment",
            subtype="mail.mt_note", partner_ids=self.user_id.partner_id.ids)

    def _assign_on_create(self):
        """Apply the team's rules that assign new leads. A lead is never lost for
        an assignment that fails under concurrency: it stays unassigned and the
        scheduled job assigns it later."""
        trigger = self.env.context.get("crm_assignment_trigger", "create")
        try:
            with self.env.cr.savepoint():
                return self.env["crm.assignment.rule"]._assign_leads(
                    self.ids, trigger, auto_only=True)
        except psycopg2.extensions.TransactionRollbackError:
            self.invalidate_cache()
            _logger.info("Lead %s: assignment deferred (concurrent assignment)",
                         self.id)
            return None
