from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmCallcenterScriptBranch(models.Model):
    """One answer of a script question and the step it leads to."""

    _name = "crm.callcenter.script.branch"
    _description = "Call Script Answer"
    _order = "step_id, sequence, id"
    _rec_name = "answer"

    step_id = fields.Many2one("crm.callcenter.script.step", required=True,
                              index=True, ondelete="cascade")
    script_id = fields.Many2one(related="step_id.script_id", readonly=True,
                                store=True)
    sequence = fields.Integer(default=10)
    # not translated: the answer given on a call is compared with it
    answer = fields.Char(required=True, help="For a yes / no question: yes or no.")
    next_step_id = fields.Many2one(
        "crm.callcenter.script.step", "Go to",
        domain="[('script_id', '=', script_id)]", ondelete="set null",
        help="Empty: the step's usual next step.")
    end_script = fields.Boolean("Ends the Script")

    @api.constrains("next_step_id", "step_id")
    def _check_next_step(self):
        for branch in self:
            target = branch.next_step_id
            if target and (target.script_id != branch.step_id.script_id
                           or target == branch.step_id):
                raise ValidationError(_("Go to: choose another step of the same "
                                        "script for the answer %r.")
                                      % branch.answer)
