from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmCallcenterScriptRun(models.TransientModel):
    """Walks an agent through the script of a call, one step at a time: the text
    to say, the question, the answer saved on the call, and the next step chosen
    by the answer."""

    _name = "crm.callcenter.script.run"
    _description = "Read a Call Script"

    call_id = fields.Many2one("crm.callcenter.call", required=True,
                              ondelete="cascade")
    script_id = fields.Many2one("crm.callcenter.script", required=True,
                                ondelete="cascade")
    step_id = fields.Many2one("crm.callcenter.script.step",
                              ondelete="cascade")
    step_text = fields.Text(related="step_id.text", readonly=True)
    question_type = fields.Selection(related="step_id.question_type",
                                     readonly=True)
    branch_id = fields.Many2one("crm.callcenter.script.branch", "Answer",
                                domain="[('step_id', '=', step_id)]")
    answer_text = fields.Char("Answer Given")
    done = fields.Boolean(readonly=True)
    answer_ids = fields.One2many(related="call_id.answer_ids", readonly=True)

    @api.model
    def create(self, vals):
        run = super(CrmCallcenterScriptRun, self).create(vals)
        if not run.step_id:
            steps = run.script_id.step_ids.sorted(lambda s: (s.sequence, s.id))
            run.step_id = steps[:1]
            run.done = not steps
        return run

    @api.multi
    def action_answer_yes(self):
        return self._answer("yes")

    @api.multi
    def action_answer_no(self):
        return self._answer("no")

    @api.multi
    def action_next(self):
        self.ensure_one()
        kind = self.question_type
        if kind == "choice":
            if not self.branch_id:
                raise UserError(_("Answer: choose one of the answers."))
            return self._answer(self.branch_id.answer)
        if kind == "text":
            if not (self.answer_text or "").strip():
                raise UserError(_("Answer: write what the customer said."))
            return self._answer(self.answer_text.strip())
        return self._answer(None)

    def _answer(self, answer):
        """Save ``answer`` for the current step on the call (replacing an earlier
        answer to the same step) and move to the step it leads to."""
        self.ensure_one()
        if self.done or not self.step_id:
            raise UserError(_("The script is finished."))
        if answer is not None:
            self.call_id._save_script_answer(self.step_id, answer)
        following = self.step_id._next_step(answer)
        self.write({"step_id": following.id, "done": not following,
                    "branch_id": False, "answer_text": False})
        return self._action_reopen()

    @api.multi
    def _action_reopen(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": self._name,
                "res_id": self.id, "view_mode": "form", "view_type": "form",
                "target": "new", "name": self.script_id.name}
