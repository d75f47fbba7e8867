"""The access-rights audit itself: each rule catches what it must, and passes what it
must (plain data, no database)."""
import unittest

from ..lib.acl_audit import Acl, Use, find_problems

IMPLIED = {
    "agent": {"agent", "user"},
    "supervisor": {"supervisor", "agent", "user"},
}


def acl(model, group, read=1, write=0, create=0, unlink=0, name=None,
        ours=True):
    return Acl(name or "access_%s_%s" % (model, group), model, group,
               read, write, create, unlink, ours)


class TestAclAudit(unittest.TestCase):

    def test_sound_rights_pass(self):
        acls = [acl("crm.x", "agent", 1, 1, 1, 0),
                acl("crm.x", "supervisor", 1, 1, 1, 1)]
        uses = [Use("supervisor", "crm.x", "menu X"), Use("agent", "crm.x", "menu X")]
        self.assertEqual(find_problems(["crm.x"], acls, uses, IMPLIED), [])

    def test_model_without_rights_is_reported(self):
        problems = find_problems(
            ["crm.x", "crm.y"], [acl("crm.x", "agent")], [], IMPLIED)
        self.assertEqual(problems, ["model crm.y has no access rights"])

    def test_groupless_write_is_reported(self):
        acls = [acl("crm.x", None, 1, 0, 1, 0, name="access_x_all")]
        problems = find_problems(["crm.x"], acls, [], IMPLIED)
        self.assertEqual(
            problems,
            ["access rights access_x_all on crm.x have no group but grant "
             "write/create/unlink"],
        )

    def test_groupless_write_of_odoo_itself_is_not_ours_to_judge(self):
        acls = [acl("utm.campaign", None, 1, 0, 1, 0, ours=False)]
        uses = [Use("marketing", "utm.campaign", "menu Campaigns")]
        self.assertEqual(find_problems([], acls, uses, IMPLIED), [])

    def test_groupless_read_only_is_fine(self):
        acls = [acl("crm.x", None, 1, 0, 0, 0)]
        self.assertEqual(find_problems(["crm.x"], acls, [], IMPLIED), [])

    def test_group_that_cannot_read_what_it_uses_is_reported(self):
        acls = [acl("crm.x", "supervisor")]
        uses = [Use("agent", "crm.x", "menu Calls")]
        self.assertEqual(
            find_problems(["crm.x"], acls, uses, IMPLIED),
            ["group agent uses crm.x (menu Calls) but cannot read it"],
        )

    def test_read_through_an_implied_group_counts(self):
        acls = [acl("crm.x", "agent")]
        uses = [Use("supervisor", "crm.x", "menu Calls")]
        self.assertEqual(find_problems(["crm.x"], acls, uses, IMPLIED), [])

    def test_line_without_read_does_not_count_as_read(self):
        acls = [acl("crm.x", "agent", read=0, write=1)]
        uses = [Use("agent", "crm.x", "menu Calls")]
        self.assertEqual(
            find_problems(["crm.x"], acls, uses, IMPLIED),
            ["group agent uses crm.x (menu Calls) but cannot read it"],
        )
