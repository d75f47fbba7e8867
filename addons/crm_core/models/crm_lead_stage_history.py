from odoo import api, fields, models

from .crm_data_scope import SCOPED_MODELS

# The stage history and the funnel reports follow the data scope of leads: one global
# rule each (security/crm_funnel_rules.xml) asks res.users._crm_scope_domain() for
# them. The history follows its lead's current salesperson and team (through an
# automatic join), the reports carry the lead's columns themselves.
SCOPED_MODELS.update({
    "crm.lead.stage.history": ("lead", "lead_id.user_id", "lead_id.team_id"),
    "crm.funnel.report": ("lead", "user_id", "team_id"),
    "crm.lost.deal.report": ("lead", "user_id", "team_id"),
})


class CrmLeadStageHistory(models.Model):
    """One entry of a lead into a stage: from which stage, when, and how many days
    the lead had spent in the stage it left. Written by crm.lead itself (one INSERT
    per write, however many leads change), never edited."""

    _name = "crm.lead.stage.history"
    _description = "Lead Stage History"
    _order = "date desc, id desc"

    lead_id = fields.Many2one(
        "crm.lead", required=True, ondelete="cascade", index=True,
        readonly=True, auto_join=True)
    team_id = fields.Many2one(
        "crm.team", "Sales Team", index=True, readonly=True,
        help="The lead's sales team when it entered the stage.")
    user_id = fields.Many2one(
        "res.users", "Salesperson", index=True, readonly=True,
        help="The lead's salesperson when it entered the stage.")
    stage_from_id = fields.Many2one(
        "crm.stage", "From Stage", index=True, readonly=True, ondelete="set null",
        help="Empty for the entry into the lead's first stage.")
    stage_to_id = fields.Many2one(
        "crm.stage", "To Stage", required=True, index=True, readonly=True,
        ondelete="cascade")
    date = fields.Datetime(required=True, index=True, readonly=True)
    days_in_previous = fields.Float(
        "Days in Previous Stage", readonly=True, digits=(16, 2),
        group_operator="avg",
        help="How long the lead had stayed in the stage it left.")

    @api.model_cr
    def init(self):
        """Index the reads of the funnel (a lead's entries in order), then give the
        leads that have no history yet (created before this module or by SQL) the
        entry into their current stage."""
        self.env.cr.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = "
            "'crm_lead_stage_history_lead_date_idx'")
        if not self.env.cr.fetchone():
            self.env.cr.execute(
                "CREATE INDEX crm_lead_stage_history_lead_date_idx "
                "ON crm_lead_stage_history (lead_id, date, id)")
        self.env["crm.lead"]._backfill_stage_entries()
