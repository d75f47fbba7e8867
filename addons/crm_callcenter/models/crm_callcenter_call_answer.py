from odoo import fields, models


class CrmCallcenterCallAnswer(models.Model):
    """An answer given on a call to a step of its script."""

    _name = "crm.callcenter.call.answer"
    _description = "Call Script Answer Given"
    _order = "call_id, id"
    _rec_name = "answer"
    # who asked is the agent who saves the answer
    _crm_guarded_fields = {"user_id": ""}
    _crm_guard_own = {"user_id": "user"}

    call_id = fields.Many2one("crm.callcenter.call", required=True,
                              index=True, ondelete="cascade")
    company_id = fields.Many2one(related="call_id.company_id", store=True,
                                 readonly=True)
    step_id = fields.Many2one("crm.callcenter.script.step", required=True,
                              ondelete="cascade")
    script_id = fields.Many2one(related="step_id.script_id", store=True,
                                readonly=True)
    question = fields.Char(related="step_id.name", readonly=True)
    answer = fields.Char()
    user_id = fields.Many2one("res.users", "Asked by",
                              default=lambda self: self.env.user)

    _sql_constraints = [
        ("call_step_uniq", "unique (call_id, step_id)",
         "A step is answered once per call."),
    ]
