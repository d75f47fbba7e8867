from odoo import fields, models


class CrmServiceCompensationDecide(models.TransientModel):
    """Approve or refuse the step a compensation waits for, with a note."""

    _name = "crm.service.compensation.decide"
    _description = "Compensation Decision"
    # the context's active ids are of this model
    _crm_active_model = "crm.service.compensation"

    decision = fields.Selection([("approve", "Approve"), ("refuse", "Refuse")],
                                required=True, default="approve")
    note = fields.Text()

    def _compensations(self):
        ids = self.env.context.get("active_ids") or []
        if self.env.context.get("active_model") != "crm.service.compensation":
            ids = []
        return self.env["crm.service.compensation"].browse(ids)

    def action_confirm(self):
        self.ensure_one()
        compensations = self._compensations()
        if self.decision == "approve":
            compensations.approve(self.note)
        else:
            compensations.refuse(self.note)
        return {"type": "ir.actions.act_window_close"}
