"""Property-based tests (Hypothesis) of the values clients send to ``create`` and
``write`` of the service models (issue 13): tickets, complaint compensations,
return visits and knowledge articles, as service agents and managers, with vals
of every field type of the model built by crm_core's strategies (NUL bytes, huge
and unicode text, wrong types, unknown selection keys, nan/inf/1e308, negative
units, ids of no record). Property: the call is done, or refused with a clear
error of odoo.exceptions naming the problem, never by the dispatch's last resort
(an unchecked value that made Odoo raise a TypeError or ValueError), and then
nothing was written. The public methods of these models, called with the wrong
number or the wrong types of arguments, are clear errors too."""
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.addons.crm_core.tests import test_property_rpc_vals as core

from .complaint_common import ComplaintCase

EXAMPLES = 500
PROPERTY = settings(core.PROPERTY, max_examples=EXAMPLES)
METHOD_EXAMPLES = 200
METHOD_PROPERTY = settings(core.PROPERTY, max_examples=METHOD_EXAMPLES)
MODELS = ("crm.service.ticket", "crm.service.compensation", "crm.service.visit",
          "crm.service.article")
numbers = st.one_of(
    st.floats(), st.sampled_from([1e308, -1e308, float("nan"), float("inf"), -1.0,
                                  -0.01, 0.0, 1e15, 1e16, 2.5, "abc", "3", "-2",
                                  " 1.5 ", "1e308", "nan", True]))


class TestServiceRpcValsProperties(core.RpcValsProperties, ComplaintCase):

    strict = True

    @classmethod
    def setUpClass(cls):
        super(TestServiceRpcValsProperties, cls).setUpClass()
        cls.actors = {
            "crm.service.ticket": [cls.agent, cls.manager],
            "crm.service.compensation": [cls.agent, cls.manager],
            "crm.service.visit": [cls.agent, cls.manager],
            "crm.service.article": [cls.agent, cls.manager],
        }
        cls.fault = cls.ticket(user_id=cls.agent.id)
        cls.compensation_record = cls.compensation(cls.agent)
        resolved = cls.ticket(name="Resolved", user_id=cls.agent.id)
        cls.visit = cls.env["crm.service.visit"].create(
            {"ticket_id": resolved.id, "user_id": cls.agent.id})
        cls.article = cls.env["crm.service.article"].sudo(cls.agent).create(
            {"title": "Spindle alarm E-203", "body": "<p>Reset the drive.</p>"})
        cls.records = {
            "crm.service.ticket": cls.fault,
            "crm.service.compensation": cls.compensation_record,
            "crm.service.visit": cls.visit,
            "crm.service.article": cls.article,
        }
        cls.required = {
            "crm.service.ticket": {"name": "Pump leaks",
                                   "partner_id": cls.customer.id,
                                   "category_id": cls.subcategory.id},
            "crm.service.compensation": {"ticket_id": cls.complaint.id,
                                         "reason": "Late delivery"},
            "crm.service.visit": {"ticket_id": resolved.id},
            "crm.service.article": {"title": "Motor hums"},
        }

    def value_strategy(self, model, field):
        strategy = super(TestServiceRpcValsProperties, self).value_strategy(
            model, field)
        if field.type in ("float", "monetary"):
            # units and amounts: negative, huge, not finite, text
            return st.one_of(strategy, numbers)
        return strategy

    @PROPERTY
    @given(st.data())
    def test_ticket_vals(self, data):
        self.check_vals(data, "crm.service.ticket")

    @PROPERTY
    @given(st.data())
    def test_compensation_vals(self, data):
        self.check_vals(data, "crm.service.compensation")

    @PROPERTY
    @given(st.data())
    def test_visit_vals(self, data):
        self.check_vals(data, "crm.service.visit")

    @PROPERTY
    @given(st.data())
    def test_article_vals(self, data):
        self.check_vals(data, "crm.service.article")

    @METHOD_PROPERTY
    @given(st.data())
    def test_ticket_methods(self, data):
        self.check_methods(data, "crm.service.ticket")

    @METHOD_PROPERTY
    @given(st.data())
    def test_compensation_methods(self, data):
        self.check_methods(data, "crm.service.compensation")

    @METHOD_PROPERTY
    @given(st.data())
    def test_visit_methods(self, data):
        self.check_methods(data, "crm.service.visit")

    @METHOD_PROPERTY
    @given(st.data())
    def test_article_methods(self, data):
        self.check_methods(data, "crm.service.article")

    def test_wrong_arity_of_each_public_method_is_a_clear_error(self):
        self.check_arity(MODELS, self.manager)

    def test_z_each_property_saw_calls_done_and_refused(self):
        # runs after the property tests (unittest orders by name)
        if not type(self).__dict__.get("outcomes"):
            self.skipTest("run with the property tests")
        for model in MODELS:
            for method in ("create", "write"):
                if (model, method) == ("crm.service.visit", "create"):
                    continue  # the policies plan visits: nobody creates one
                self.assertBothOutcomes(model, method)


class TestServiceRpcValsExamples(core.RpcValsProperties, ComplaintCase):
    """Examples Hypothesis found, kept as plain tests."""

    def test_an_empty_amount_is_zero_not_a_traceback(self):
        comp = self.compensation(self.agent, quantity=2)
        self.rpc(self.manager, "crm.service.compensation", "write", comp.ids,
                 {"amount": None})
        self.assertEqual(comp.amount, 0.0)
