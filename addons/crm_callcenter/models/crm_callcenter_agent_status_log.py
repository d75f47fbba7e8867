from odoo import fields, models

from .crm_callcenter_agent import AGENT_STATUSES


class CrmCallcenterAgentStatusLog(models.Model):
    """One stretch of time an agent spent in one status (坐席状态记录): opened and
    closed by crm.callcenter.agent._set_status only, so the time in each status adds
    up without gaps."""

    _name = "crm.callcenter.agent.status.log"
    _description = "Agent Status Log"
    _order = "date_start desc, id desc"
    _rec_name = "status"

    agent_id = fields.Many2one("crm.callcenter.agent", required=True, index=True,
                               readonly=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", "Agent User", index=True, readonly=True)
    status = fields.Selection(AGENT_STATUSES, required=True, readonly=True,
                              index=True)
    date_start = fields.Datetime("Start", required=True, readonly=True, index=True)
    date_end = fields.Datetime("End", readonly=True)
    seconds = fields.Integer(
        "Duration (s)", readonly=True, group_operator="sum",
        help="Filled in when the status ends.")
    reason = fields.Char(readonly=True)
    call_id = fields.Many2one("crm.callcenter.call", readonly=True,
                              ondelete="set null")
