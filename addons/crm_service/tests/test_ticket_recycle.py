"""Deleted tickets go to the recycle bin (crm_core): hidden from everyone and no
longer open (SLA and dispatch leave them alone); service managers restore them,
agents cannot."""
from odoo.exceptions import AccessError

from .common import ServiceCase


class TestTicketRecycle(ServiceCase):

    def test_deleted_ticket_waits_in_the_bin_for_a_service_manager(self):
        product = self.env["product.product"].create({"name": "Recycled pump"})
        defect = self.env["crm.service.defect"].create(
            {"name": "Pump seal", "product_id": product.id})
        ticket = self.ticket(name="Recycled ticket", user_id=self.agent.id,
                             product_id=product.id, defect_id=defect.id)
        self.assertEqual(defect.ticket_count, 1)
        ticket.message_post(body="Customer called twice")
        messages = ticket.message_ids
        self.assertTrue(ticket.is_open)
        with self.assertRaises(AccessError):
            self.rpc(self.agent, "crm.service.ticket", "unlink", ticket.ids)
        self.rpc(self.manager, "crm.service.ticket", "unlink", ticket.ids)
        for user in (self.agent, self.manager):
            self.assertFalse(self.rpc(user, "crm.service.ticket", "search",
                                      [("id", "=", ticket.id)]))
            with self.assertRaises(AccessError):
                self.rpc(user, "crm.service.ticket", "read", ticket.ids, ["name"])
        self.assertFalse(ticket.is_open)
        # the defect's statistics count it no more
        defect.invalidate_cache()
        self.assertEqual(defect.ticket_count, 0)
        entry = self.env["crm.recycle.bin"].search(
            [("res_model", "=", "crm.service.ticket"), ("res_id", "=", ticket.id)])
        self.assertEqual(entry.deleted_by_id, self.manager)
        # the assignee sees the entry, but only a service manager restores it
        self.assertEqual(self.env["crm.recycle.bin"].sudo(self.agent).search(
            [("id", "=", entry.id)]), entry)
        with self.assertRaises(AccessError):
            self.rpc(self.agent, "crm.recycle.bin", "action_restore", entry.ids)
        self.rpc(self.manager, "crm.recycle.bin", "action_restore", entry.ids)
        self.assertEqual(self.rpc(self.agent, "crm.service.ticket", "search",
                                  [("id", "=", ticket.id)]), ticket.ids)
        self.assertTrue(ticket.is_open)
        self.assertLess(messages, ticket.message_ids)
