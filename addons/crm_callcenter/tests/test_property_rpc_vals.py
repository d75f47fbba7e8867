"""Property-based tests (Hypothesis) of the values clients send to ``create`` and
``write`` of the call-center models (issue 13): calls (as a supervisor and as an
agent), outbound call lists and queues (as a supervisor), and the customer's
credit limit (as a sales manager and as a rep), with vals of every field type of
the model built by crm_core's strategies (NUL bytes, huge and unicode text, wrong
types, unknown selection keys, nan/inf/1e308, negative numbers, ids of no
record). Property: the call is done, or refused with a clear error of
odoo.exceptions naming the problem, never by the dispatch's last resort (an
unchecked value that made Odoo raise a TypeError or ValueError), and then nothing
was written. The public methods of these models, called with the wrong number or
the wrong types of arguments, are clear errors too."""
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.addons.crm_core.tests import test_property_rpc_vals as core

from .calls_common import SALESMAN, CallsCase

EXAMPLES = 500
PROPERTY = settings(core.PROPERTY, max_examples=EXAMPLES)
METHOD_EXAMPLES = 200
METHOD_PROPERTY = settings(core.PROPERTY, max_examples=METHOD_EXAMPLES)
MODELS = ("crm.callcenter.call", "crm.callcenter.call.list",
          "crm.callcenter.queue", "res.partner")
numbers = st.one_of(
    st.floats(), st.sampled_from([1e308, -1e308, float("nan"), float("inf"), -1.0,
                                  0.0, 1e15, 1e16, 2.5, "abc", "3", "-2", " 1.5 ",
                                  "1e308", "nan", True]))


class TestCallcenterRpcValsProperties(core.RpcValsProperties, CallsCase):

    strict = True

    @classmethod
    def setUpClass(cls):
        super(TestCallcenterRpcValsProperties, cls).setUpClass()
        cls.agent_user = cls.users[0]
        cls.sales_manager = cls.new_user(
            "calls_sales_manager", ["sales_team.group_sale_manager"] + SALESMAN,
            lang="en_US")
        cls.actors = {
            "crm.callcenter.call": [cls.supervisor, cls.agent_user],
            "crm.callcenter.call.list": [cls.supervisor],
            "crm.callcenter.queue": [cls.supervisor],
            "res.partner": [cls.sales_manager, cls.rep],
        }
        cls.call = cls.env["crm.callcenter.call"].create({
            "pbx_call_id": "property-call-1", "connection_id": cls.conn_a.id,
            "partner_id": cls.customer.id, "user_id": cls.agent_user.id,
            "agent_id": cls.agents[0].id})
        cls.call_list = cls.env["crm.callcenter.call.list"].create({
            "name": "Property list", "connection_id": cls.conn_a.id})
        cls.queue = cls.env["crm.callcenter.queue"].create({
            "name": "Property queue", "code": "property",
            "connection_id": cls.conn_a.id})
        cls.records = {
            "crm.callcenter.call": cls.call,
            "crm.callcenter.call.list": cls.call_list,
            "crm.callcenter.queue": cls.queue,
            "res.partner": cls.customer,
        }
        cls.required = {
            "crm.callcenter.call": {"pbx_call_id": "property-call-2",
                                    "connection_id": cls.conn_a.id},
            "crm.callcenter.call.list": {"name": "Spring list",
                                         "connection_id": cls.conn_a.id},
            "crm.callcenter.queue": {"name": "Spring queue", "code": "spring",
                                     "connection_id": cls.conn_a.id},
            "res.partner": {"name": "Credit Co", "is_company": True},
        }

    def value_strategy(self, model, field):
        strategy = super(TestCallcenterRpcValsProperties, self).value_strategy(
            model, field)
        if field.type in ("float", "monetary"):
            return st.one_of(strategy, numbers)
        return strategy

    def extra_vals(self, data, model, vals):
        if model == "res.partner":
            # the credit limit, every time, with what else
            vals["credit_limit"] = data.draw(
                st.one_of(numbers, core.json_junk), label="credit_limit")
        return vals

    @PROPERTY
    @given(st.data())
    def test_call_vals(self, data):
        self.check_vals(data, "crm.callcenter.call")

    @PROPERTY
    @given(st.data())
    def test_call_list_vals(self, data):
        self.check_vals(data, "crm.callcenter.call.list")

    @PROPERTY
    @given(st.data())
    def test_queue_vals(self, data):
        self.check_vals(data, "crm.callcenter.queue")

    @PROPERTY
    @given(st.data())
    def test_partner_credit_limit_vals(self, data):
        self.check_vals(data, "res.partner")

    @METHOD_PROPERTY
    @given(st.data())
    def test_call_methods(self, data):
        self.check_methods(data, "crm.callcenter.call")

    @METHOD_PROPERTY
    @given(st.data())
    def test_call_list_methods(self, data):
        self.check_methods(data, "crm.callcenter.call.list")

    @METHOD_PROPERTY
    @given(st.data())
    def test_queue_methods(self, data):
        self.check_methods(data, "crm.callcenter.queue")

    def test_wrong_arity_of_each_public_method_is_a_clear_error(self):
        self.check_arity(MODELS[:3], self.supervisor)

    def test_z_each_property_saw_calls_done_and_refused(self):
        # runs after the property tests (unittest orders by name)
        if not type(self).__dict__.get("outcomes"):
            self.skipTest("run with the property tests")
        for model in MODELS:
            for method in ("create", "write"):
                if (model, method) == ("crm.callcenter.call", "create"):
                    continue  # the phone system's events create calls
                self.assertBothOutcomes(model, method)
