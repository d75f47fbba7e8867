from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmFollowup(models.Model):
    """One contact with a customer (客户跟进): a visit, a call, a WeChat chat... with
    its summary, result and next step. Logging one updates the customer's last and
    next follow-up dates; a next date creates an activity for the rep."""

    _name = "crm.followup"
    _crm_customer_data = True  # exports need the right, and are logged
    _description = "Customer Follow-up"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "summary"
    # workflow-owned (issue 13): a follow-up is the salesperson's own, dated when
    # it happened (a date ahead would keep the customer from being recycled)
    _crm_guarded_fields = dict(
        dict.fromkeys(("user_id", "team_id"), "crm_core.group_sale_team_leader"),
        date="")
    _crm_guard_own = {"user_id": "user", "team_id": "team", "date": "past"}

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade",
        domain=[("parent_id", "=", False)])
    contact_id = fields.Many2one(
        "res.partner", domain="[('parent_id', '=', partner_id)]")
    lead_id = fields.Many2one(
        "crm.lead", "Opportunity", index=True, ondelete="set null",
        domain="[('partner_id', 'child_of', partner_id)]")
    user_id = fields.Many2one("res.users", "Salesperson", required=True, index=True,
                              default=lambda self: self.env.user)
    team_id = fields.Many2one("crm.team", "Sales Team", index=True,
                              help="The salesperson's team, unless set.")
    channel_id = fields.Many2one(
        "crm.dictionary.item", required=True,
        domain=[("dictionary_code", "=", "followup_channel")])
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    summary = fields.Text(required=True)
    result_id = fields.Many2one(
        "crm.dictionary.item",
        domain=[("dictionary_code", "=", "followup_result")])
    next_step = fields.Char()
    next_date = fields.Date("Next Follow-up")
    activity_id = fields.Many2one("mail.activity", readonly=True, copy=False)
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")

    @api.constrains("next_date", "date")
    def _check_next_date(self):
        for followup in self:
            if followup.next_date and followup.next_date < followup.date[:10]:
                raise ValidationError(_(
                    "The next follow-up (%(next)s) cannot be before this one "
                    "(%(date)s).") % {"next": followup.next_date,
                                      "date": followup.date[:10]})

    @api.model
    def create(self, vals):
        if not vals.get("team_id"):
            user = self.env["res.users"].browse(vals.get("user_id") or self.env.uid)
            vals = dict(vals, team_id=user.sale_team_id.id or False)
        followup = super(CrmFollowup, self).create(vals)
        followup._schedule_next()
        followup.mapped("partner_id")._update_followup_stats()
        return followup

    @api.multi
    def write(self, vals):
        partners = self.mapped("partner_id")
        res = super(CrmFollowup, self).write(vals)
        if {"next_date", "next_step", "user_id"} & set(vals):
            self._schedule_next()
        if {"date", "next_date", "partner_id"} & set(vals):
            (partners | self.mapped("partner_id"))._update_followup_stats()
        return res

    @api.multi
    def unlink(self):
        partners = self.mapped("partner_id")
        self.mapped("activity_id").unlink()
        res = super(CrmFollowup, self).unlink()
        partners._update_followup_stats()
        return res

    def _schedule_next(self):
        """Keep one activity per follow-up for its next step."""
        model = self.env["ir.model"]._get("res.partner")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for followup in self:
            if not followup.next_date:
                followup.activity_id.unlink()
                continue
            vals = {
                "res_model_id": model.id,
                "res_id": followup.partner_id.id,
                "activity_type_id": activity_type.id,
                "user_id": followup.user_id.id,
                "date_deadline": followup.next_date,
                "summary": followup.next_step or _("Follow up"),
            }
            if followup.activity_id:
                followup.activity_id.sudo().write(vals)  # sudo: as below
            else:
                # whoever may log a follow-up on a customer gets its reminder, even
                # with read-only access to the customer (a share)
                activities = self.env["mail.activity"].sudo()  # sudo: see above
                followup.activity_id = activities.create(vals)
