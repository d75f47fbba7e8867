"""Doors that use sudo() inside (issue 13): the compensation credit note completes
or reopens its compensation with sudo(), a compensation is submitted, a return
visit names its ticket and posts on it, a ticket gives its portal address with
sudo(): none of it works for a user outside the records' scope, and nothing
changes."""
from odoo.exceptions import AccessError

from .complaint_common import ComplaintCase


class TestServiceSudoDoors(ComplaintCase):

    def test_the_credit_note_is_finances_to_validate_and_cancel(self):
        comp = self.compensation(self.agent, quantity=2)
        comp.sudo(self.agent).action_submit()
        credit = comp.invoice_id
        self.assertEqual((comp.state, credit.state), ("approved", "draft"))
        for user in (self.agent, self.outsider):
            with self.assertRaises(AccessError):
                self.rpc(user, "account.invoice", "action_invoice_open", credit.ids)
        self.assertEqual((comp.state, credit.state), ("approved", "draft"))
        credit.sudo(self.billing).action_invoice_open()
        credit.journal_id.update_posted = True
        for user in (self.agent, self.outsider):
            with self.assertRaises(AccessError):
                self.rpc(user, "account.invoice", "action_invoice_cancel",
                         credit.ids)
        self.assertEqual((comp.state, credit.state), ("done", "open"))

    def test_an_outsider_cannot_submit_another_teams_compensation(self):
        comp = self.compensation(self.agent)
        with self.assertRaises(AccessError):
            self.rpc(self.outsider, "crm.service.compensation", "action_submit",
                     comp.ids)
        self.assertEqual(comp.state, "draft")
        self.assertFalse(comp.invoice_id)

    def test_a_visit_of_a_hidden_ticket_is_neither_named_nor_cancelled(self):
        visit = self.env["crm.service.visit"].create({"ticket_id": self.complaint.id})
        messages = len(self.complaint.message_ids)
        for method in ("name_get", "action_cancel"):
            with self.assertRaises(AccessError, msg=method):
                self.rpc(self.outsider, "crm.service.visit", method, visit.ids)
        self.assertEqual(visit.state, "planned")
        self.assertEqual(len(self.complaint.message_ids), messages)
        # the ticket's people may
        self.assertIn(self.complaint.number,
                      self.rpc(self.agent, "crm.service.visit", "name_get",
                               visit.ids)[0][1])

    def test_the_portal_address_of_a_hidden_ticket_is_refused(self):
        with self.assertRaises(AccessError):
            self.rpc(self.outsider, "crm.service.ticket", "get_portal_full_url",
                     self.complaint.ids)
        url = self.rpc(self.agent, "crm.service.ticket", "get_portal_full_url",
                       self.complaint.ids)
        self.assertTrue(url.endswith("/my/tickets/%d" % self.complaint.id))
