from odoo import SUPERUSER_ID, api, fields, models

# The columns of a history row, in the order the INSERTs below write them.
HISTORY_COLUMNS = """lead_id, team_id, user_id, stage_from_id, stage_to_id, date,
    days_in_previous, create_uid, create_date, write_uid, write_date"""


class CrmLead(models.Model):
    """The lead records every stage it enters (crm.lead.stage.history), set-based:
    one INSERT per write however many leads move. Teams that have stages of their
    own (crm.stage.team_id) work in those stages only; the other teams share the
    stages without a team."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    stage_history_ids = fields.One2many(
        "crm.lead.stage.history", "lead_id", readonly=True,
        groups="sales_team.group_sale_salesman,crm_core.group_analyst")
    pipeline_team_id = fields.Many2one(
        "crm.team", "Pipeline of Team", compute="_compute_pipeline_team_id",
        help="The team whose own stages this lead moves through; empty: the "
             "stages shared by every team.")

    @api.multi
    @api.depends("team_id")
    def _compute_pipeline_team_id(self):
        own = self.env["crm.stage"]._teams_with_own_stages(self.mapped("team_id").ids)
        for lead in self:
            lead.pipeline_team_id = lead.team_id if lead.team_id.id in own else False

    @api.onchange("team_id")
    def _onchange_team_id_stage(self):
        """A lead moved to another team's pipeline starts in its first stage when
        its stage is not one of that pipeline's."""
        stage = self._misplaced_stage_target(self.team_id.id, self.stage_id)
        if stage:
            self.stage_id = stage
            self.update(self._onchange_stage_id_values(stage.id))

    # --- CRUD ------------------------------------------------------------------------

    @api.model
    def create(self, vals):
        if vals.get("team_id") and not vals.get("stage_id") and \
                self.env["crm.stage"]._teams_with_own_stages([vals["team_id"]]):
            # Odoo's default stage follows the creator's team, not the lead's
            stage = self._stage_find(team_id=vals["team_id"],
                                     domain=[("fold", "=", False)])
            vals = dict(vals, stage_id=stage.id)
            if "probability" not in vals:
                vals.update(self._onchange_stage_id_values(stage.id))
        lead = super(CrmLead, self).create(vals)
        lead._record_stage_entries()
        return lead

    @api.multi
    def write(self, vals):
        if "stage_id" not in vals or not self.ids:
            res = super(CrmLead, self).write(vals)
        else:
            before = self._stage_history_before()
            res = super(CrmLead, self).write(vals)
            self._record_stage_changes(before)
        if "team_id" in vals and "stage_id" not in vals:
            self._move_to_team_pipeline(vals["team_id"])
        return res

    # --- stage history -------------------------------------------------------------

    @api.multi
    def _record_stage_entries(self):
        """Record the entry of these leads into their current stage, at their last
        stage update, for those that have no history yet. One INSERT."""
        if self.ids:
            self._insert_stage_entries("l.id = ANY(%(ids)s)", list(self.ids))
            self.invalidate_cache(["stage_history_ids"], self.ids)

    @api.model
    def _backfill_stage_entries(self):
        """The same for every lead without history (leads created before this
        module, or by SQL). One INSERT."""
        self._insert_stage_entries("TRUE", [])

    def _insert_stage_entries(self, condition, ids):
        self.env.cr.execute("""
            INSERT INTO crm_lead_stage_history ({columns})
            SELECT l.id, l.team_id, l.user_id, NULL, l.stage_id,
                   COALESCE(l.date_last_stage_update, l.create_date, %(now)s),
                   NULL, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM crm_lead l
             WHERE {condition} AND l.stage_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM crm_lead_stage_history h
                                WHERE h.lead_id = l.id)
        """.format(columns=HISTORY_COLUMNS,  # sql-safe: constant column list
                   condition=condition),  # sql-safe: constant conditions of callers
            {"ids": ids, "uid": self.env.uid, "now": fields.Datetime.now()})

    @api.multi
    def _stage_history_before(self):
        """(ids, stages, since) of these leads before a write: their stage and when
        they entered it (their last history entry; without one, their last stage
        update). One query."""
        self.env.cr.execute("""
            SELECT l.id, l.stage_id,
                   COALESCE(h.date, l.date_last_stage_update, l.create_date)
              FROM crm_lead l
              LEFT JOIN LATERAL (
                  SELECT g.date FROM crm_lead_stage_history g
                   WHERE g.lead_id = l.id AND g.stage_to_id = l.stage_id
                   ORDER BY g.date DESC, g.id DESC LIMIT 1) h ON TRUE
             WHERE l.id = ANY(%s)
               FOR UPDATE OF l
        """, (list(self.ids),))
        rows = self.env.cr.fetchall()
        return ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])

    @api.multi
    def _record_stage_changes(self, before):
        """One INSERT for every lead whose stage differs from ``before`` (as
        returned by _stage_history_before): from which stage, the days spent in
        it, the lead's team and salesperson now."""
        ids, stages, since = before
        if not ids:
            return
        self.env.cr.execute("""
            INSERT INTO crm_lead_stage_history ({columns})
            SELECT l.id, l.team_id, l.user_id, b.stage_id, l.stage_id,
                   COALESCE(l.date_last_stage_update, %(now)s),
                   EXTRACT(EPOCH FROM COALESCE(l.date_last_stage_update, %(now)s)
                           - b.since) / 86400.0,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(ids)s::int[], %(stages)s::int[], %(since)s::timestamp[])
                   AS b(id, stage_id, since)
              JOIN crm_lead l ON l.id = b.id
             WHERE l.stage_id IS NOT NULL AND l.stage_id IS DISTINCT FROM b.stage_id
        """.format(columns=HISTORY_COLUMNS),  # sql-safe: constant column list
            {"ids": ids, "stages": stages, "since": since, "uid": self.env.uid,
             "now": fields.Datetime.now()})
        self.invalidate_cache(["stage_history_ids"], ids)

    # --- pipelines per team ---------------------------------------------------------

    def _stage_find(self, team_id=False, domain=None, order="sequence"):
        """The stage for these leads (or ``team_id``): a team with stages of its
        own picks among those only."""
        team_ids = set(self.mapped("team_id").ids)
        if team_id:
            team_ids.add(team_id)
        if len(team_ids) == 1:
            team = team_ids.pop()
            if self.env["crm.stage"]._teams_with_own_stages([team]):
                return self.env["crm.stage"].search(
                    [("team_id", "=", team)] + list(domain or []), order=order,
                    limit=1)
        return super(CrmLead, self)._stage_find(team_id=team_id, domain=domain,
                                                order=order)

    def _pipeline_of(self, team_id):
        """The ``team_id`` of the stages of ``team_id``'s pipeline: the team itself
        when it has stages of its own, else False (the shared stages)."""
        own = self.env["crm.stage"]._teams_with_own_stages([team_id])
        return team_id if team_id in own else False

    def _misplaced_stage_target(self, team_id, stage):
        """The first open stage of ``team_id``'s pipeline when ``stage`` is not in
        it, else an empty recordset."""
        pipeline = self._pipeline_of(team_id)
        if not stage or stage.team_id.id == pipeline:
            return self.env["crm.stage"]
        return self.browse()._stage_find(team_id=pipeline,
                                         domain=[("fold", "=", False)])

    @api.multi
    def _move_to_team_pipeline(self, team_id):
        """After a change of team: the leads whose stage is not in the new team's
        pipeline move to its first open stage (one write)."""
        pipeline = self._pipeline_of(team_id)
        misplaced = self.filtered(
            lambda lead: lead.stage_id and lead.stage_id.team_id.id != pipeline)
        if misplaced:
            target = self.browse()._stage_find(team_id=pipeline,
                                               domain=[("fold", "=", False)])
            if target:
                misplaced.write({"stage_id": target.id})

    @api.model
    def _read_group_stage_ids(self, stages, domain, order):
        """The pipeline of a team with stages of its own shows those only (and any
        other stage its leads are in)."""
        team_id = self.env.context.get("default_team_id")
        if team_id and self.env["crm.stage"]._teams_with_own_stages([team_id]):
            stage_ids = stages._search(
                ["|", ("id", "in", stages.ids), ("team_id", "=", team_id)],
                order=order, access_rights_uid=SUPERUSER_ID)
            return stages.browse(stage_ids)
        return super(CrmLead, self)._read_group_stage_ids(stages, domain, order)


class CrmStage(models.Model):
    _inherit = "crm.stage"

    @api.model
    def _teams_with_own_stages(self, team_ids):
        """The ids among ``team_ids`` of the teams that have stages of their own
        (one grouped query)."""
        team_ids = [t for t in team_ids if t]
        if not team_ids:
            return set()
        groups = self.read_group(
            [("team_id", "in", team_ids)], ["team_id"], ["team_id"])
        return {g["team_id"][0] for g in groups}
