"""Every sudo() of ours, by class (issue 13): the source of the four addons is
read, and

- every call that raises privileges (``.sudo()`` without a user; ``.sudo(user)``
  lowers them) says why, in a ``# sudo:`` comment on its line or in the comment
  block just above;
- every public method or route that contains one (what a client can call) is
  listed in DOORS with the test that shows a user outside the records' scope
  cannot widen their access through it; the list must match the source exactly,
  and each test must exist. A new sudo() in a public method fails here until its
  test is named.

Private methods (``_name``) cannot be called over RPC; they are reached through
the public methods listed here, the crons, or the controllers."""
import ast
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("crm_core", "crm_service", "crm_callcenter", "crm_analytics")

CORE = "addons/crm_core/tests/"
SERVICE = "addons/crm_service/tests/"
CALLS = "addons/crm_callcenter/tests/"
# "addon:Class.method" -> "file::Class.test" showing the door stays shut
DOORS = {
    "crm_core:UnsubscribeController.unsubscribe":
        CORE + "test_campaign_unsubscribe.py::"
        "TestUnsubscribeHttp.test_wrong_token_or_unknown_mailing_writes_nothing",
    "crm_core:Session.logout":
        CORE + "test_login_security.py::"
        "TestLoginSecurity.test_sessions_are_listed_time_out_and_can_be_logged_out",
    "crm_core:Home.web_login":
        CORE + "test_login_security.py::TestLoginSecurity."
        "test_a_login_is_locked_after_failures_even_with_the_right_password",
    "crm_core:AuditlogRule.create_full":
        CORE + "test_audit_trail.py::"
        "TestAuditTrail.test_the_crm_admin_reads_the_log_and_nobody_alters_it",
    "crm_core:CrmLoginLog.action_unlock":
        CORE + "test_login_security.py::"
        "TestLoginSecurity.test_the_lockout_ends_with_its_window_or_an_unlock",
    "crm_core:CrmLoginSession.action_revoke":
        CORE + "test_login_security.py::"
        "TestLoginSecurity.test_sessions_are_listed_time_out_and_can_be_logged_out",
    "crm_core:CrmRecycleBin.unlink":
        CORE + "test_recycle_bin.py::"
        "TestRecycleRestore.test_rep_cannot_restore_or_purge",
    "crm_core:CrmRecycleBin.action_restore":
        CORE + "test_recycle_bin.py::"
        "TestRecycleRestore.test_rep_cannot_restore_or_purge",
    "crm_core:CrmImportJob.action_start":
        CORE + "test_sudo_doors.py::"
        "TestCoreSudoDoors.test_an_import_is_started_by_its_owner_only",
    "crm_core:ResConfigSettings.set_values":
        CORE + "test_sudo_doors.py::"
        "TestCoreSudoDoors.test_only_administrators_save_the_settings",
    "crm_core:ResPartner.action_pool_claim":
        CORE + "test_pool.py::TestClaim.test_only_members_of_the_pool_teams_claim",
    "crm_core:SaleOrder.action_confirm":
        CORE + "test_credit_limit.py::"
        "TestCreditLimit.test_above_the_limit_is_refused_with_the_figures",
    "crm_service:KnowledgeController.knowledge_list":
        SERVICE + "test_knowledge_portal.py::"
        "TestKnowledgePortal.test_portal_users_see_public_articles_only",
    "crm_service:CrmServiceTicket.get_portal_full_url":
        SERVICE + "test_sudo_doors.py::"
        "TestServiceSudoDoors.test_the_portal_address_of_a_hidden_ticket_is_refused",
    "crm_service:AccountInvoice.invoice_validate":
        SERVICE + "test_sudo_doors.py::"
        "TestServiceSudoDoors.test_the_credit_note_is_finances_to_validate_and_cancel",
    "crm_service:AccountInvoice.action_invoice_cancel":
        SERVICE + "test_sudo_doors.py::"
        "TestServiceSudoDoors.test_the_credit_note_is_finances_to_validate_and_cancel",
    "crm_service:SaleOrderLine.unlink":
        SERVICE + "test_compensation.py::"
        "TestCompensation.test_cancelled_order_gives_the_coupon_back",
    "crm_service:CrmServiceCompensation.write":
        SERVICE + "test_compensation.py::"
        "TestCompensation.test_agents_propose_units_managers_set_amounts",
    "crm_service:CrmServiceCompensation.action_submit":
        SERVICE + "test_sudo_doors.py::"
        "TestServiceSudoDoors."
        "test_an_outsider_cannot_submit_another_teams_compensation",
    "crm_service:SaleOrder.apply_coupon":
        SERVICE + "test_compensation.py::TestCompensation.test_coupon_refusals",
    "crm_service:CrmServiceVisit.name_get":
        SERVICE + "test_sudo_doors.py::TestServiceSudoDoors."
        "test_a_visit_of_a_hidden_ticket_is_neither_named_nor_cancelled",
    "crm_service:CrmServiceVisit.action_cancel":
        SERVICE + "test_sudo_doors.py::TestServiceSudoDoors."
        "test_a_visit_of_a_hidden_ticket_is_neither_named_nor_cancelled",
    "crm_service:CrmServiceTicket.action_acknowledge_escalation":
        SERVICE + "test_escalation.py::"
        "TestEscalationChain.test_acknowledge_stops_the_chain",
    "crm_callcenter:CrmCallcenterCallListEntry.action_dial":
        CALLS + "test_sudo_doors.py::TestCallListDoors."
        "test_another_agent_cannot_work_an_entry_being_called",
    "crm_callcenter:CrmCallcenterCallListEntry.action_outcome":
        CALLS + "test_sudo_doors.py::TestCallListDoors."
        "test_another_agent_cannot_work_an_entry_being_called",
    "crm_callcenter:CrmCallcenterCallListEntry.action_do_not_call":
        CALLS + "test_sudo_doors.py::TestCallListDoors."
        "test_another_agent_cannot_work_an_entry_being_called",
    "crm_callcenter:CrmCallcenterCallListEntry.action_release":
        CALLS + "test_sudo_doors.py::TestCallListDoors."
        "test_another_agent_cannot_work_an_entry_being_called",
    "crm_callcenter:CrmCallcenterCallListEntry.action_next_call":
        CALLS + "test_sudo_doors.py::TestCallListDoors."
        "test_an_agent_off_the_list_gets_none_of_its_entries",
    "crm_callcenter:CrmCallcenterCdrImport.action_start":
        CALLS + "test_cdr_import.py::TestCdrImport.test_checks_before_starting",
    "crm_callcenter:CrmCallcenterConnection.dial":
        CALLS + "test_acd_security.py::TestAcdAccess.test_outsiders_see_nothing",
}


def _sources():
    for addon in ADDONS:
        for path in sorted((ROOT / "addons" / addon).rglob("*.py")):
            if "tests" not in path.relative_to(ROOT / "addons" / addon).parts:
                yield addon, path


def _raises_privileges(node):
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "sudo" and not node.args and not node.keywords)


def _justified(lines, node):
    """A "# sudo:" comment on the call's lines or in the comment block above."""
    end = max(getattr(child, "lineno", node.lineno) for child in ast.walk(node))
    if any("sudo:" in line for line in lines[node.lineno - 1:end]):
        return True
    index = node.lineno - 2
    while index >= 0 and lines[index].strip().startswith("#"):
        if "sudo:" in lines[index]:
            return True
        index -= 1
    # a statement continued from the line above (a call's arguments)
    return index >= 0 and "sudo:" in lines[index]


def _scan():
    """(unjustified calls, public doors with a sudo() call)."""
    unjustified, doors = [], set()
    for addon, path in _sources():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        for klass in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            for function in (n for n in ast.walk(klass)
                             if isinstance(n, ast.FunctionDef)):
                calls = [n for n in ast.walk(function) if _raises_privileges(n)]
                if calls and not function.name.startswith("_"):
                    doors.add("%s:%s.%s" % (addon, klass.name, function.name))
        for node in ast.walk(tree):
            if _raises_privileges(node) and not _justified(lines, node):
                unjustified.append("%s:%d" % (path.relative_to(ROOT), node.lineno))
    return unjustified, doors


def _test_exists(reference):
    path, name = reference.split("::")
    klass, method = name.split(".")
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return any(isinstance(node, ast.ClassDef) and node.name == klass and any(
        isinstance(item, ast.FunctionDef) and item.name == method
        for item in node.body) for node in ast.walk(tree))


class TestSudoRegistry(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.unjustified, cls.doors = _scan()

    def test_every_sudo_says_why(self):
        self.assertEqual(self.unjustified, [],
                         "sudo() without a '# sudo:' reason")

    def test_every_public_door_with_sudo_names_its_test(self):
        self.assertGreater(len(self.doors), 20, "the scan finds the doors")
        self.assertEqual(sorted(self.doors - set(DOORS)), [],
                         "public methods with sudo() and no test named in DOORS")
        self.assertEqual(sorted(set(DOORS) - self.doors), [],
                         "DOORS names methods without sudo() (or that are gone)")

    def test_the_named_tests_exist(self):
        missing = sorted(ref for ref in set(DOORS.values()) if not _test_exists(ref))
        self.assertEqual(missing, [])
