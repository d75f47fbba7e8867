from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

QUESTION_TYPES = [
    ("none", "No Question"),
    ("yes_no", "Yes / No"),
    ("choice", "Choice"),
    ("text", "Free Text"),
]


class CrmCallcenterScriptStep(models.Model):
    """One step of a call script: the text the agent says and, optionally, a
    question. The answer may choose the next step (a branch); otherwise the
    script goes on to the step named as next, else to the following step."""

    _name = "crm.callcenter.script.step"
    _description = "Call Script Step"
    _order = "script_id, sequence, id"

    script_id = fields.Many2one("crm.callcenter.script", required=True,
                                index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char("Title", required=True, translate=True)
    text = fields.Text("What to Say", required=True, translate=True)
    question_type = fields.Selection(QUESTION_TYPES, "Question", required=True,
                                     default="none")
    branch_ids = fields.One2many("crm.callcenter.script.branch", "step_id",
                                 "Answers", copy=True,
                                 help="The answers to choose from (a choice) or "
                                      "that lead elsewhere (yes / no).")
    next_step_id = fields.Many2one(
        "crm.callcenter.script.step", "Then Go to",
        domain="[('script_id', '=', script_id)]", ondelete="set null",
        help="Empty: the following step.")
    is_last = fields.Boolean("Ends the Script")

    @api.constrains("next_step_id", "script_id")
    def _check_next_step(self):
        for step in self:
            if step.next_step_id and (step.next_step_id.script_id != step.script_id
                                      or step.next_step_id == step):
                raise ValidationError(_("Then go to: choose another step of the "
                                        "script %s.") % step.script_id.name)

    @api.constrains("question_type", "branch_ids")
    def _check_choices(self):
        for step in self:
            if step.question_type == "choice" and not step.branch_ids:
                raise ValidationError(_("Answers: the choice question %s needs "
                                        "the answers to choose from.") % step.name)
            if step.question_type == "yes_no":
                wrong = step.branch_ids.filtered(
                    lambda b: b.answer not in ("yes", "no"))
                if wrong:
                    raise ValidationError(_("Answers: a yes / no question branches "
                                            "on \"yes\" or \"no\", not %r.")
                                          % wrong[0].answer)

    @api.multi
    def _next_step(self, answer=None):
        """The step after this one given ``answer`` (empty: the script ends)."""
        self.ensure_one()
        Step = self.browse()
        if answer is not None:
            text = str(answer).strip().lower()
            for branch in self.branch_ids:
                if branch.answer.strip().lower() == text:
                    if branch.next_step_id or branch.end_script:
                        return branch.next_step_id
                    break
        if self.is_last:
            return Step
        if self.next_step_id:
            return self.next_step_id
        steps = self.script_id.step_ids.sorted(lambda s: (s.sequence, s.id))
        following = steps.filtered(
            lambda s: (s.sequence, s.id) > (self.sequence, self.id))
        return following[:1]
