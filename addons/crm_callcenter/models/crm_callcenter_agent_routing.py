from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmCallcenterAgent(models.Model):
    """What routing needs of an agent: skills, queues, the extension to ring,
    and one method through which routing changes the agent's status."""

    _inherit = "crm.callcenter.agent"

    skill_ids = fields.One2many("crm.callcenter.agent.skill", "agent_id", "Skills")
    queue_ids = fields.Many2many(
        "crm.callcenter.queue", "crm_callcenter_queue_agent_rel", "agent_id",
        "queue_id", "Queues")

    @api.multi
    def write(self, vals):
        result = super(CrmCallcenterAgent, self).write(vals)
        if "status" in vals or "active" in vals:
            self.env["crm.callcenter.queue"]._notify_wallboard()
        return result

    @api.multi
    def _acd_set_status(self, status, at=None):
        """Routing's way to change agents' status (ringing when a call is given to
        them, available again when they let it ring out): through the one status
        method, _set_status, which logs the time spent in each status and tells
        the agents' browsers and the wallboard. Returns the agents whose status
        changed."""
        changed = self.filtered(lambda agent: agent.status != status)
        changed._set_status(status, at=at, reason=_("Set by routing"))
        return changed

    @api.model
    def _for_user(self, user=None):
        """The agent of ``user`` (the current user by default), or an empty
        recordset."""
        user = user or self.env.user
        # whether the user is an agent, asked for any user (the agent record is
        # then read with the user's own rights)
        agent = self.sudo().search(  # sudo: see above
            [("user_id", "=", user.id)], limit=1)
        return agent.sudo(self.env.uid)  # sudo: back to the user's own rights

    @api.multi
    def _extension_on(self, connection=None):
        """The agent's extension on ``connection`` (any connection when None),
        or a UserError saying what to configure."""
        self.ensure_one()
        extensions = self.extension_ids
        if connection:
            extensions = extensions.filtered(lambda e: e.connection_id == connection)
        if not extensions:
            if connection:
                raise UserError(_(
                    "%(agent)s has no extension on the phone system %(connection)s: "
                    "ask a supervisor to give the agent one.")
                    % {"agent": self.user_id.name, "connection": connection.name})
            raise UserError(_(
                "%s has no extension: ask a supervisor to give the agent one.")
                % self.user_id.name)
        return extensions.sorted(lambda e: e.number)[0]
