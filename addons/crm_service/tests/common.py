"""Fixtures of crm_service tests: two teams with an agent each, a manager, a customer
owned by a salesperson. No demo data is relied on."""
from odoo.tests.common import SavepointCase

from odoo.addons.crm_core.tests.common import CrmTestMixin


class ServiceCase(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(ServiceCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US",
                                       mail_notrack=True, tracking_disable=True))
        cls.manager = cls.new_user("svc_manager", ["crm_core.group_service_manager"])
        cls.agent = cls.new_user("svc_agent", ["crm_core.group_service_agent"])
        cls.agent2 = cls.new_user("svc_agent2", ["crm_core.group_service_agent"])
        cls.outsider = cls.new_user("svc_outsider", ["crm_core.group_service_agent"])
        cls.rep = cls.new_user("svc_rep", ["sales_team.group_sale_salesman"])
        cls.team = cls.env["crm.service.team"].create({
            "name": "Repairs", "leader_id": cls.manager.id,
            "member_ids": [(6, 0, [cls.agent.id, cls.agent2.id])]})
        cls.other_team = cls.env["crm.service.team"].create({
            "name": "Complaints", "member_ids": [(6, 0, [cls.outsider.id])]})
        cls.category = cls.env["crm.service.category"].create(
            {"name": "Faults", "team_id": cls.team.id})
        cls.subcategory = cls.env["crm.service.category"].create(
            {"name": "Motors", "parent_id": cls.category.id})
        cls.customer = cls.env["res.partner"].create(
            {"name": "Service Customer Co", "is_company": True, "user_id": cls.rep.id})

    @classmethod
    def ticket(cls, **vals):
        values = {"name": "Machine stops", "partner_id": cls.customer.id,
                  "category_id": cls.subcategory.id, "ticket_type": "fault"}
        values.update(vals)
        return cls.env["crm.service.ticket"].create(values)
