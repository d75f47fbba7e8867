import logging

import requests

from odoo import SUPERUSER_ID, _, api, fields, models, registry

_logger = logging.getLogger(__name__)

STATES = [
    ("recorded", "Recorded (local adapter)"),
    ("queued", "Waiting to Be Sent"),
    ("sent", "Sent"),
    ("failed", "Failed"),
]
TIMEOUT = 5


class CrmCallcenterDialLog(models.Model):
    """One click-to-dial request: who dialled what from which extension, and what
    the phone system answered. Agents read their own, with the number masked
    when their phone system masks numbers; supervisors read all."""

    _name = "crm.callcenter.dial.log"
    _description = "Dial Request"
    _order = "id desc"
    _rec_name = "reference"

    connection_id = fields.Many2one("crm.callcenter.connection", "Phone System",
                                    required=True, index=True, readonly=True,
                                    ondelete="cascade")
    company_id = fields.Many2one(related="connection_id.company_id", store=True,
                                 readonly=True, index=True)
    user_id = fields.Many2one("res.users", "Dialled by", required=True, index=True,
                              readonly=True)
    agent_id = fields.Many2one("crm.callcenter.agent", readonly=True, index=True)
    extension = fields.Char(readonly=True)
    number = fields.Char("Number (E.164)", readonly=True,
                         groups="crm_core.group_callcenter_supervisor")
    number_masked = fields.Char("Masked Number", readonly=True)
    number_display = fields.Char("Number Called", compute="_compute_number_display")
    reference = fields.Char(required=True, readonly=True, index=True, copy=False)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    call_id = fields.Many2one("crm.callcenter.call", readonly=True,
                              ondelete="set null")
    origin = fields.Char(readonly=True, help="The record the number was dialled "
                                             "from (model,id).")
    state = fields.Selection(STATES, required=True, readonly=True, index=True,
                             default="recorded")
    request = fields.Text("Request Sent", readonly=True,
                          groups="crm_core.group_callcenter_supervisor")
    response = fields.Text("Answer of the Phone System", readonly=True)
    sent_date = fields.Datetime("Sent", readonly=True)

    _sql_constraints = [
        ("reference_uniq", "unique (reference)", "A dial reference is used once."),
    ]

    @api.multi
    def _compute_number_display(self):
        for log in self:
            # the real number is read by the system to show it to who may see it
            real = log.sudo().number  # sudo: see above; masked below for agents
            log.number_display = log.connection_id._display_number(real)

    @api.multi
    def _send_after_commit(self):
        """Send these queued requests once the transaction that made them has
        committed (a rolled-back dial sends nothing); the cron sends what a crash
        left queued."""
        ids = list(self.ids)
        dbname = self.env.cr.dbname

        def send():
            try:
                with api.Environment.manage(), registry(dbname).cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["crm.callcenter.dial.log"].browse(ids)._send_queued()
            except Exception:  # after the commit: nobody to report to but the log
                _logger.exception("Sending dial requests %s failed", ids)

        self.env.cr.after("commit", send)

    @api.multi
    def _send_queued(self):
        """POST each queued request to its phone system's originate URL with the
        connection's originate token, and record the answer. Each request is locked
        while it is sent and leaves the queued state, so a request is sent once even
        when the after-commit sender and the cron meet."""
        if not self.ids:
            return self
        self.env.cr.execute("""
            SELECT id FROM crm_callcenter_dial_log
             WHERE id = ANY(%s) AND state = 'queued'
               FOR UPDATE SKIP LOCKED
        """, (self.ids,))
        # the sender records the phone system's answer, whoever asked to dial
        logs = self.sudo().browse(  # sudo: see above
            [row[0] for row in self.env.cr.fetchall()])
        for log in logs:
            log.write(log._post_originate())
        return logs

    def _post_originate(self):
        """The state and answer of one POST (values to write)."""
        # the token and the real number are the system's, not the agent's
        log = self.sudo()  # sudo: see above
        connection = log.connection_id
        headers = {"Content-Type": "application/json"}
        if connection.originate_token:
            headers["Authorization"] = "Bearer %s" % connection.originate_token
        try:
            answer = requests.post(
                connection.originate_url, data=(log.request or "").encode("utf-8"),
                headers=headers, timeout=TIMEOUT)
        except requests.RequestException as error:
            return {"state": "failed", "response": str(error)[:2000],
                    "sent_date": fields.Datetime.now()}
        text = "%s %s" % (answer.status_code, answer.text[:2000])
        return {"state": "sent" if answer.ok else "failed", "response": text,
                "sent_date": fields.Datetime.now()}

    @api.model
    def _cron_send_queued(self):
        """Send what the after-commit sender could not (a crash between the
        commit and the send)."""
        return self.search([("state", "=", "queued")], limit=200)._send_queued()

    @api.multi
    def _action_show(self):
        """This request in a dialog: what is being dialled, from where, and how
        the phone system took it."""
        self.ensure_one()
        view = self.env.ref("crm_callcenter.crm_callcenter_dial_log_view_form_popup")
        return {"type": "ir.actions.act_window", "res_model": self._name,
                "res_id": self.id, "view_mode": "form", "view_type": "form",
                "views": [(view.id, "form")], "target": "new",
                "name": _("Calling")}

    @api.multi
    def action_open_call(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "crm.callcenter.call",
                "res_id": self.call_id.id, "view_mode": "form", "target": "current"}
