"""Fixtures of the complaint and return-visit tests: finance users, a complaint
level whose policies have stacked approval tiers, a complaint of the Repairs team,
and return-visit policies on categories of their own. No demo data is relied on."""
from .common import ServiceCase


class ComplaintCase(ServiceCase):

    @classmethod
    def setUpClass(cls):
        super(ComplaintCase, cls).setUpClass()
        cls.billing = cls.new_user("cmp_billing", ["account.group_account_invoice"])
        cls.finance = cls.new_user("cmp_finance", ["account.group_account_manager"])
        cls.analyst = cls.new_user("cmp_analyst", ["crm_core.group_analyst"])
        cls.level = cls.env["crm.service.complaint.level"].create(
            {"name": "Test Serious"})
        Policy = cls.env["crm.service.compensation.policy"]
        manager_group = cls.env.ref("crm_core.group_service_manager")
        finance_group = cls.env.ref("account.group_account_manager")
        cls.policy_credit = Policy.create({
            "level_id": cls.level.id, "compensation_type": "credit_note",
            "unit_amount": 100.0, "max_amount": 10000.0,
            "tier_ids": [
                (0, 0, {"min_amount": 500.0, "group_id": manager_group.id}),
                (0, 0, {"min_amount": 5000.0, "group_id": finance_group.id}),
            ]})
        cls.policy_refund = Policy.create({
            "level_id": cls.level.id, "compensation_type": "refund",
            "unit_amount": 0.0, "max_amount": 10000.0})
        cls.policy_coupon = Policy.create({
            "level_id": cls.level.id, "compensation_type": "coupon",
            "unit_amount": 50.0, "max_amount": 300.0, "coupon_validity_days": 30})
        cls.policy_free = Policy.create({
            "level_id": cls.level.id, "compensation_type": "free_service",
            "unit_amount": 200.0, "max_amount": 400.0})
        cls.boiler = cls.env["product.product"].create(
            {"name": "Test Boiler", "type": "consu"})
        cls.pump = cls.env["product.product"].create(
            {"name": "Test Pump", "type": "consu"})
        cls.complaint = cls.ticket(
            name="Boiler delivered broken", ticket_type="complaint",
            complaint_level_id=cls.level.id, product_id=cls.boiler.id,
            user_id=cls.agent.id)
        cls.compensation_product = cls.env.ref(
            "crm_service.product_complaint_compensation")

    @classmethod
    def compensation(cls, user=None, **vals):
        values = {"ticket_id": cls.complaint.id, "compensation_type": "credit_note",
                  "quantity": 1.0, "reason": "Broken on arrival"}
        values.update(vals)
        Compensation = cls.env["crm.service.compensation"]
        if not user:
            return Compensation.create(values)
        # created by ``user``, read back as the test (which may see amounts)
        return Compensation.browse(Compensation.sudo(user).create(values).id)
