"""Walks the registry for the trust rules of issue 13, so that a model or field added
later without them fails here:

- every model of ours with owner, team, department or company data has record rules;
- report models (SQL views) are read-only for every group;
- every workflow-sensitive field (state, approvals, owner, pool, SLA, audit dates,
  durations, amounts, "done by") of our models is guarded, and every declaration names
  real fields and real groups;
- a workflow-only field is not copied with its record;
- every field our addons restrict with ``groups=`` is refused to other users through
  every door that reads or compares values: search domains and order, read_group,
  export_data, onchange and name_search.
"""
import re

from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase

from .common import CrmTestMixin

OUR_ADDONS = ("crm_core", "crm_service", "crm_callcenter", "crm_analytics")
# fields that say who owns, which team, department or company a record is of
SCOPE_FIELDS = ("user_id", "team_id", "department_id", "company_id", "agent_id")
# names of fields only a workflow or a manager may set
SENSITIVE = re.compile(
    r"^(state|approval_.*|approved_.*|rejected_.*|.*_by_id|pool_.*|date_owned|"
    r"date_pooled|sla_.*|.*_deadline|.*_seconds|amount|cost|budget|planned_cost|"
    r"credit_.*|disposition|direction|.*_done|done_date|closed_date|"
    r"resolved_date|first_response_date|user_id|team_id|agent_id)$")
# sensitive by name, open by design: (model, field): why
OPEN_BY_DESIGN = {
    ("crm.sales.target", "user_id"): "targets are set by managers (ACL and rules)",
    ("crm.sales.target", "team_id"): "targets are set by managers (ACL and rules)",
    ("crm.sales.target", "amount"): "targets are set by managers (ACL and rules)",
    ("crm.customer.share", "user_id"): "the colleague the owner shares with",
    ("crm.service.defect", "user_id"): "the quality owner, chosen by quality staff",
    ("crm.service.compensation", "amount"):
        "field groups: only service managers and accountants may write it",
    ("crm.marketing.segment", "user_id"):
        "the segment's responsible, a colleague in marketing",
    ("res.partner", "credit_limit"):
        "res_partner_credit refuses it to all but finance and sales managers",
    ("utm.campaign", "team_id"): "the sales team a campaign's leads go to",
}
# groups that configure the CRM: a model only they may create or write is
# configuration, and its owner, team, SLA or amount fields are theirs to set
MANAGER_GROUPS = frozenset((
    "base.group_system", "base.group_erp_manager", "crm_core.group_crm_admin",
    "sales_team.group_sale_manager", "crm_core.group_service_manager",
    "crm_core.group_callcenter_supervisor", "crm_core.group_marketing_manager",
))
# models with owner, team or agent fields that are configuration or statistics
# every user of the model may see: model: why (company data always needs a rule)
SCOPE_OPEN_BY_DESIGN = {
    "crm.callcenter.agent": "the call-center roster: user_id is the agent",
    "crm.callcenter.agent.skill": "the roster's skills",
    "crm.callcenter.extension": "the roster's extensions",
    "crm.callcenter.ivr.option": "IVR configuration: agent_id is the target",
    "crm.service.category": "configuration: team_id is the dispatch target",
    "crm.service.compensation.tier": "configuration: user_id is the approver",
    "crm.service.escalation.level": "configuration: user_id is who is notified",
    "crm.marketing.message.report": "marketing statistics for marketing staff",
    "crm.marketing.segment.snapshot": "segments are shared within marketing",
}


class TestSecurityRegistryFields(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestSecurityRegistryFields, cls).setUpClass()
        # an internal user in no group of ours: every field with groups= of ours is
        # hidden from them
        cls.outsider = cls.new_user("registry_outsider", ["base.group_user"])

    def _our_models(self, transient=False):
        data = self.env["ir.model.data"].search(
            [("model", "=", "ir.model"), ("module", "in", OUR_ADDONS)])
        names = self.env["ir.model"].browse(data.mapped("res_id")).exists() \
            .mapped("model")
        return sorted(
            name for name in set(names) if name in self.env
            and not self.env[name]._abstract
            and bool(self.env[name]._transient) == transient)

    def _touched_models(self):
        """Our models and the Odoo models our addons extend."""
        return sorted(name for name in self.env.registry
                      if not self.env[name]._abstract
                      and not self.env[name]._transient
                      and self.env[name]._crm_touched())

    def test_the_walk_sees_our_models(self):
        models = self._our_models()
        self.assertGreater(len(models), 60)
        self.assertIn("crm.service.ticket", models)
        self.assertIn("res.partner", self._touched_models())

    def test_scoped_models_have_record_rules(self):
        Rule = self.env["ir.rule"].sudo()
        missing = []
        for name in self._our_models():
            model = self.env[name]
            ours = [field for field in SCOPE_FIELDS if field in model._fields
                    and model._fields[field]._module in OUR_ADDONS]
            if not ours or name in SCOPE_OPEN_BY_DESIGN and "company_id" not in ours:
                continue
            rules = Rule.search([("model_id.model", "=", name)])
            if not rules or "company_id" in ours and not any(
                    "company_id" in (rule.domain_force or "") for rule in rules):
                missing.append(name)
        self.assertEqual(missing, [], "models with owner, team or company data "
                                      "but no record rule: %s" % missing)

    def test_report_models_are_read_only(self):
        Access = self.env["ir.model.access"].sudo()
        reports = [name for name in self._our_models()
                   if not self.env[name]._auto]
        self.assertTrue(reports)
        writable = Access.search([
            ("model_id.model", "in", reports), "|", "|",
            ("perm_write", "=", True), ("perm_create", "=", True),
            ("perm_unlink", "=", True)])
        self.assertFalse(writable, "report models writable through: %s"
                         % writable.mapped("name"))

    def test_declarations_name_real_fields_and_groups(self):
        problems = []
        for name in self._touched_models():
            model = self.env[name]
            for klass in type(model).__mro__:
                for attr in ("_crm_guarded_fields", "_crm_guard_own"):
                    declared = klass.__dict__.get(attr) or {}
                    for field, value in declared.items():
                        if field not in model._fields:
                            problems.append("%s.%s in %s is no field"
                                            % (name, field, attr))
                        if attr == "_crm_guard_own" and value not in (
                                "user", "team", "past", "restore"):
                            problems.append("%s.%s: unknown kind %r"
                                            % (name, field, value))
            for field, groups in model._crm_guarded().items():
                for xmlid in filter(None, (groups or "").split(",")):
                    if not self.env.ref(xmlid.strip(), raise_if_not_found=False):
                        problems.append("%s.%s: no group %s" % (name, field, xmlid))
                for kind_field in model._crm_guard_own_kinds():
                    if kind_field not in model._crm_guarded():
                        problems.append("%s.%s has an own-value rule but is not "
                                        "guarded" % (name, kind_field))
        self.assertEqual(sorted(set(problems)), [])

    def _configured_by_managers(self, name):
        access = self.env["ir.model.access"].sudo().search([
            ("model_id.model", "=", name), "|", ("perm_write", "=", True),
            ("perm_create", "=", True)])
        writers = {xmlid for group in access.mapped("group_id")
                   for xmlid in group.get_external_id().values()}
        everyone = any(not rule.group_id for rule in access)
        return not everyone and writers <= MANAGER_GROUPS

    def test_sensitive_fields_are_guarded(self):
        """Every state, approval, owner, pool, SLA, audit, duration or amount field
        of our models (and those we add to Odoo's) is workflow-owned or has a
        reason to be open."""
        open_fields = []
        for name in self._touched_models():
            model = self.env[name]
            for field_name, field in model._fields.items():
                if field._module not in OUR_ADDONS and not model._crm_guarded_fields:
                    continue
                if field._module not in OUR_ADDONS and field_name != "state":
                    continue
                if not field.store or (field.compute and not field.inverse):
                    continue
                if not SENSITIVE.match(field_name):
                    continue
                if model._crm_is_guarded(field_name) or field.groups:
                    continue
                if (name, field_name) in OPEN_BY_DESIGN \
                        or self._configured_by_managers(name):
                    continue
                open_fields.append("%s.%s" % (name, field_name))
        self.assertEqual(open_fields, [], "workflow-sensitive fields any client "
                                          "may set: %s" % open_fields)

    def test_a_copy_starts_the_workflow_again(self):
        """Copying a record cannot carry workflow-owned values the user may not set
        (copy_data of every model resets them), but keeps what the user could have
        given a new record: themselves as its owner."""
        rep = self.new_user("registry_copy_rep", ["sales_team.group_sale_salesman"])
        reason = self.env["crm.lost.reason"].create({"name": "Registry copy reason"})
        lead = self.env["crm.lead"].create({
            "name": "Registry copy lead", "type": "opportunity", "user_id": rep.id})
        lead.write({"lost_reason": reason.id})
        copy_id = self.rpc(rep, "crm.lead", "copy", lead.ids)
        copy = self.env["crm.lead"].browse(copy_id)
        self.assertEqual((copy.user_id, copy.lost_reason), (rep, reason.browse()))
        self.assertEqual(lead.lost_reason, reason)
        # a manager's copy keeps the value they may set
        manager = self.new_user("registry_copy_manager",
                                ["sales_team.group_sale_manager"])
        copy_id = self.rpc(manager, "crm.lead", "copy", lead.ids)
        self.assertEqual(self.env["crm.lead"].browse(copy_id).user_id, rep)

    def test_hidden_fields_stay_hidden_through_every_door(self):
        hidden = []
        for name in self._touched_models() + self._our_models(transient=True):
            model = self.env[name]
            for field_name, field in model._fields.items():
                if field.groups and field._module in OUR_ADDONS \
                        and not model.sudo(self.outsider).user_has_groups(
                            field.groups):
                    hidden.append((name, field_name))
        self.assertGreaterEqual(len(hidden), 5)
        attempts = 0
        for name, field_name in hidden:
            model = self.env[name].sudo(self.outsider)
            label = model._fields[field_name].get_description(model.env)["string"]
            doors = [
                ("search", lambda: model.search([(field_name, "!=", False)])),
                ("order", lambda: model.search([], order=field_name)),
                ("search_count", lambda: model.search_count(
                    [(field_name, "=", "x")])),
                ("read_group", lambda: model.read_group(
                    [], [field_name], [field_name])),
                ("read_group domain", lambda: model.read_group(
                    [(field_name, "!=", False)], ["id"], [])),
                ("export_data", lambda: model.browse().export_data([field_name])),
                ("name_search", lambda: model.name_search(
                    "", args=[(field_name, "!=", False)])),
                ("onchange", lambda: model.browse().onchange(
                    {}, [], {field_name: ""})),
            ]
            for door, call in doors:
                attempts += 1
                with self.assertRaises(AccessError, msg="%s.%s via %s" % (
                        name, field_name, door)) as caught:
                    call()
                self.assertIn(label, str(caught.exception.name),
                              "%s.%s via %s: refused for another reason"
                              % (name, field_name, door))
        self.assertGreaterEqual(attempts, 40)
