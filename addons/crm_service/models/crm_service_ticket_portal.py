from odoo import api, fields, models

from ..lib.portal_ticket import progress_steps


class CrmServiceTicket(models.Model):
    """The customer's view of a ticket on the portal (网络自助服务): /my/tickets/<id>,
    its progress and expected resolution time."""

    _name = "crm.service.ticket"
    _inherit = ["crm.service.ticket", "portal.mixin"]

    @api.multi
    def _compute_portal_url(self):
        for ticket in self:
            ticket.portal_url = "/my/tickets/%d" % ticket.id

    def get_portal_full_url(self):
        """The ticket's portal page as an absolute address (for mails)."""
        self.ensure_one()
        params = self.env["ir.config_parameter"].sudo()  # sudo: a public setting
        base = params.get_param("web.base.url", "")
        return base.rstrip("/") + self.portal_url

    def _portal_progress(self):
        """(state, label, status) of the steps of the portal's progress bar."""
        self.ensure_one()
        labels = dict(self._fields["state"]._description_selection(self.env))
        return [(step, labels[step], status)
                for step, status in progress_steps(self.state)]

    def _portal_deadline(self, tz):
        """The expected resolution time in the time zone ``tz``, as text, or
        False."""
        self.ensure_one()
        if not self.resolve_deadline:
            return False
        local = fields.Datetime.context_timestamp(
            self.with_context(tz=tz or "UTC"),
            fields.Datetime.from_string(self.resolve_deadline))
        return "%s (%s)" % (local.strftime("%Y-%m-%d %H:%M"), tz or "UTC")
