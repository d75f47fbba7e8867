"""Fixtures of the SLA and escalation tests: policies of their own on the shipped
China working-days calendar (the demo policies and levels are archived for the
test), and Beijing wall-clock helpers."""
from datetime import datetime, timedelta

import pytz
from odoo import fields

from .common import ServiceCase

SHANGHAI = pytz.timezone("Asia/Shanghai")


def bj(*args):
    """A Beijing wall-clock time as the UTC string Odoo stores."""
    local = SHANGHAI.localize(datetime(*args))
    return fields.Datetime.to_string(local.astimezone(pytz.utc).replace(tzinfo=None))


def shift(moment, hours):
    """A UTC string ``hours`` clock hours after ``moment``."""
    return fields.Datetime.to_string(
        fields.Datetime.from_string(moment) + timedelta(hours=hours))


class SlaCase(ServiceCase):

    @classmethod
    def setUpClass(cls):
        super(SlaCase, cls).setUpClass()
        env = cls.env
        env["crm.service.sla.policy"].search([]).write({"active": False})
        env["crm.service.escalation.level"].search([]).write({"active": False})
        cls.calendar = env.ref("crm_service.resource_calendar_china")
        Policy = env["crm.service.sla.policy"]
        cls.default_policy = Policy.create({
            "name": "Everything else", "sequence": 100, "calendar_id": cls.calendar.id,
            "response_hours": 8, "resolve_hours": 40, "warn_before_hours": 4})
        cls.fault_policy = Policy.create({
            "name": "Faults", "sequence": 30, "ticket_type": "fault",
            "calendar_id": cls.calendar.id, "response_hours": 4,
            "resolve_hours": 16, "warn_before_hours": 2})
        cls.motor_policy = Policy.create({
            "name": "Motor faults", "sequence": 50, "ticket_type": "fault",
            "category_id": cls.subcategory.id, "calendar_id": cls.calendar.id,
            "response_hours": 2, "resolve_hours": 8, "warn_before_hours": 1})
        cls.urgent_policy = Policy.create({
            "name": "Urgent complaints", "sequence": 10, "ticket_type": "complaint",
            "priority": "3", "calendar_id": cls.calendar.id, "response_hours": 2,
            "resolve_hours": 8, "warn_before_hours": 1})
        cls.level_a = env.ref("crm_core.dictionary_customer_level_a")
        cls.key_account_policy = Policy.create({
            "name": "Key accounts", "sequence": 20,
            "customer_level_id": cls.level_a.id, "calendar_id": cls.calendar.id,
            "response_hours": 1, "resolve_hours": 16, "warn_before_hours": 2})

    @classmethod
    def sla_ticket(cls, start, **vals):
        """A ticket whose SLA clock starts at ``start`` (a UTC string)."""
        return cls.ticket(sla_start_date=start, **vals)

    @staticmethod
    def at(moment):
        """Context giving the SLA clock a fixed time."""
        return {"crm_service_sla_now": moment}
