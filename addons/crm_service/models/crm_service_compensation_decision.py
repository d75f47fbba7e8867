"""Deciding a compensation (抱怨补偿): the approvers' Approve / Refuse dialogs and
the approval chain, tier by tier, with an activity for each pending approver."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmServiceCompensation(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.service.compensation"

    @api.multi
    def action_approve(self):
        return self._decision_dialog("approve", _("Approve the Compensation"))

    @api.multi
    def action_refuse(self):
        return self._decision_dialog("refuse", _("Refuse the Compensation"))

    def _decision_dialog(self, decision, title):
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "crm.service.compensation.decide",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids,
                        "default_decision": decision},
        }

    def approve(self, note=False):
        """The current user approves the step each compensation waits for."""
        return self._decide("approved", note)

    def refuse(self, note):
        if not (note or "").strip():
            raise UserError(_("Say why the compensation is refused."))
        return self._decide("refused", note)

    def _decide(self, decision, note):
        user = self.env.user
        now = fields.Datetime.now()
        # sudo: a tier's approvers decide whatever their access to compensations;
        # who they are is checked here, line by line
        for comp in self.sudo():  # sudo: approval workflow
            line = comp._pending_line()
            if comp.state != "to_approve" or not line:
                raise UserError(_("Compensation %s is not waiting for approval.")
                                % comp.name)
            if user not in line._approvers():
                raise UserError(_(
                    "You may not decide step %(step)s of compensation %(name)s: it "
                    "waits for %(approvers)s.") % {
                        "step": line.sequence, "name": comp.name,
                        "approvers": line.approver_label})
            line.write({"state": decision, "decided_by_id": user.id,
                        "decided_date": now, "note": note or False})
            comp._approval_activities().unlink()
            if decision == "refused":
                comp.approval_ids.filtered(
                    lambda other: other.state == "waiting").write(
                        {"state": "cancelled"})
                comp._workflow_write({"state": "refused",
                                      "pending_approver_ids": [(5,)]})
                comp.message_post(
                    body=_("Refused by %(user)s: %(note)s") % {
                        "user": user.name, "note": note},
                    author_id=user.partner_id.id, subtype="mail.mt_comment",
                    message_type="comment",
                    partner_ids=comp.requested_by_id.partner_id.ids)
            else:
                comp.message_post(
                    body=_("Step %(step)s approved by %(user)s.") % {
                        "step": line.sequence, "user": user.name},
                    author_id=user.partner_id.id)
                comp._activate_next_step()
        return True

    # -- workflow (called on sudo records) -------------------------------------

    def _pending_line(self):
        return self.approval_ids.filtered(lambda line: line.state == "pending")[:1]

    def _approval_activities(self):
        activity_type = self.env.ref("crm_service.mail_activity_compensation_approval")
        return self.env["mail.activity"].search([
            ("res_model", "=", self._name), ("res_id", "in", self.ids),
            ("activity_type_id", "=", activity_type.id)])

    def _activate_next_step(self):
        """Open the next waiting approval step and give each of its approvers an
        activity; none left, and the compensation is approved."""
        self.ensure_one()
        line = self.approval_ids.filtered(
            lambda other: other.state == "waiting").sorted("sequence")[:1]
        if not line:
            self._workflow_write({"pending_approver_ids": [(5,)]})
            return self._set_approved()
        approvers = line._approvers()
        if not approvers:
            raise UserError(_(
                "Nobody can approve step %(step)s of compensation %(name)s: "
                "%(approvers)s has no active user. A service manager must fix the "
                "policy's tiers.") % {"step": line.sequence, "name": self.name,
                                      "approvers": line.approver_label})
        line.write({"state": "pending"})
        self._workflow_write({"pending_approver_ids": [(6, 0, approvers.ids)]})
        activity_type = self.env.ref("crm_service.mail_activity_compensation_approval")
        model_id = self.env["ir.model"]._get(self._name).id
        today = fields.Date.context_today(self)
        for user in approvers:
            self.env["mail.activity"].create({
                "res_model_id": model_id,
                "res_id": self.id,
                "activity_type_id": activity_type.id,
                "user_id": user.id,
                "summary": _("Approve compensation %(name)s (step %(step)s)") % {
                    "name": self.name, "step": line.sequence},
                "date_deadline": today,
            })
        return True
