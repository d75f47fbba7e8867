"""Lead assignment rules (线索分配): round robin and load balancing over 1,000 leads
and 10 reps without bias to older members or lower ids, capacity per period,
members who join later or pause, conditions, the audit log, the triggers (creation,
the Assign button, the scheduled job), a bounded number of queries per batch,
concurrency, and the record rules as ordinary users."""
import random
from datetime import timedelta

import psycopg2
from psycopg2 import sql

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import SavepointCase, TransactionCase

from ..lib.assignment import tie_order
from .common import CrmTestMixin

SALESMAN = ["base.group_user", "sales_team.group_sale_salesman"]


def bulk_leads(env, count, team, **vals):
    """``count`` open leads of ``team``: one created by the ORM, the others copied
    from it in one INSERT (the ORM creates ~40 leads a second)."""
    values = {"name": "Bulk lead", "type": "lead", "team_id": team.id,
              "user_id": False}
    values.update(vals)
    first = env["crm.lead"].with_context(
        crm_no_auto_assign=True, tracking_disable=True).create(values)
    env.cr.execute("SELECT column_name FROM information_schema.columns "
                   "WHERE table_name = 'crm_lead' AND column_name != 'id'")
    columns = sql.SQL(", ").join(sql.Identifier(row[0]) for row in env.cr.fetchall())
    env.cr.execute(sql.SQL(
        "INSERT INTO crm_lead ({cols}) SELECT {cols} FROM crm_lead "
        "CROSS JOIN generate_series(2, %s) WHERE id = %s RETURNING id"
    ).format(cols=columns), (count, first.id))
    return first | env["crm.lead"].browse([row[0] for row in env.cr.fetchall()])


class AssignmentCase(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(AssignmentCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_notrack=True, lang="en_US"))
        cls.team = cls.env["crm.team"].create({"name": "Assign Team"})
        # Ten reps, created in a shuffled order: "Rep 0" is not the oldest.
        order = list(range(10))
        random.Random(4).shuffle(order)
        made = {number: cls.new_user("assign_rep%d" % number, SALESMAN,
                                     name="Rep %d" % number,
                                     sale_team_id=cls.team.id)
                for number in order}
        cls.reps = [made[number] for number in range(10)]
        cls.creation_order = [made[number] for number in order]
        cls.Rule = cls.env["crm.assignment.rule"]

    def new_rule(self, reps, team=None, capacity=0, period="week", **vals):
        team = team or self.env["crm.team"].create({"name": "Rule Team"})
        values = {"name": "Rule of %s" % team.name, "team_id": team.id, "seed": 11}
        values.update(vals)
        rule = self.Rule.create(values)
        shuffled = list(reps)
        random.Random(9).shuffle(shuffled)
        for rep in shuffled:
            self.add_member(rule, rep, capacity, period)
        return rule

    def add_member(self, rule, user, capacity=0, period="week"):
        return self.env["crm.assignment.member"].create({
            "rule_id": rule.id, "user_id": user.id, "capacity": capacity,
            "capacity_period": period})

    def assign(self, leads, **kwargs):
        result = self.Rule._assign_leads(leads.ids, "manual", **kwargs)
        self.env.cache.invalidate()
        return result

    def per_rep(self, leads, reps=None):
        self.env.cr.execute(
            "SELECT user_id, count(*) FROM crm_lead WHERE id IN %s GROUP BY user_id",
            (tuple(leads.ids),))
        found = dict(self.env.cr.fetchall())
        return {rep.id: found.get(rep.id, 0) for rep in (reps or self.reps)}

    def open_loads(self, team, reps=None):
        self.env.cr.execute(
            "SELECT user_id, count(*) FROM crm_lead WHERE team_id = %s AND active "
            "AND probability < 100 GROUP BY user_id", (team.id,))
        found = dict(self.env.cr.fetchall())
        return {rep.id: found.get(rep.id, 0) for rep in (reps or self.reps)}


class TestFairness(AssignmentCase):

    def test_round_robin_spreads_1000_leads_over_10_reps(self):
        rule = self.new_rule(self.reps)
        leads = bulk_leads(self.env, 1000, rule.team_id)
        result = self.assign(leads)
        self.assertEqual(len(result["assigned"]), 1000)
        spread = self.per_rep(leads)
        self.assertEqual(set(spread.values()), {100}, spread)
        self.assertEqual(leads.mapped("team_id"), rule.team_id)
        self.assertEqual(leads.mapped("assignment_rule_id"), rule)
        self.assertEqual(self.env["crm.assignment.log"].search_count(
            [("rule_id", "=", rule.id)]), 1000)
        # the pointer is kept per member: ten different last turns, the last 1000
        turns = rule.member_ids.mapped("last_turn")
        self.assertEqual(sorted(turns), list(range(991, 1001)))
        self.assertTrue(all(rule.member_ids.mapped("last_assigned_date")))

    def test_round_robin_extra_leads_follow_the_draw_not_ids_or_age(self):
        rule = self.new_rule(self.reps)
        leads = bulk_leads(self.env, 1003, rule.team_id)
        self.assign(leads)
        spread = self.per_rep(leads)
        self.assertLessEqual(max(spread.values()) - min(spread.values()), 1)
        extra = {user_id for user_id, count in spread.items() if count == 101}
        ranks = tie_order([rep.id for rep in self.reps], "%s-0" % rule.seed)
        drawn = {user_id for user_id, rank in ranks.items() if rank < 3}
        self.assertEqual(extra, drawn)

    def test_round_robin_continues_across_batches(self):
        rule = self.new_rule(self.reps[:3])
        first = bulk_leads(self.env, 4, rule.team_id)
        self.assign(first)
        second = bulk_leads(self.env, 5, rule.team_id)
        self.assign(second)
        spread = self.per_rep(first | second, self.reps[:3])
        self.assertEqual(sorted(spread.values()), [3, 3, 3])

    def test_load_balanced_levels_unequal_starting_loads(self):
        # the reps' own team: Odoo moves a lead given to a rep into the rep's team
        rule = self.new_rule(self.reps, team=self.team, method="load_balanced")
        for index, rep in enumerate(self.reps):
            if index:
                bulk_leads(self.env, index * 12, rule.team_id, user_id=rep.id)
        # won and lost leads are no load
        bulk_leads(self.env, 30, rule.team_id, user_id=self.reps[0].id,
                   probability=100)
        bulk_leads(self.env, 30, rule.team_id, user_id=self.reps[0].id,
                   active=False)
        before = self.open_loads(rule.team_id)
        self.assertEqual(before[self.reps[0].id], 0)
        self.assertEqual(before[self.reps[9].id], 108)
        leads = bulk_leads(self.env, 1000, rule.team_id)
        self.assign(leads)
        after = self.open_loads(rule.team_id)
        self.assertLessEqual(max(after.values()) - min(after.values()), 1, after)
        self.assertEqual(sum(after.values()), sum(before.values()) + 1000)
        got = self.per_rep(leads)
        self.assertGreater(got[self.reps[0].id], got[self.reps[9].id])

    def test_capacity_is_never_exceeded_and_the_rest_is_reported(self):
        rule = self.new_rule(self.reps, capacity=50)
        leads = bulk_leads(self.env, 1000, rule.team_id)
        result = self.assign(leads)
        spread = self.per_rep(leads)
        self.assertEqual(set(spread.values()), {50})
        self.assertEqual(len(result["assigned"]), 500)
        self.assertEqual(len(result["no_capacity"]), 500)
        left = leads.browse(result["no_capacity"])
        self.assertFalse(left.mapped("user_id"))
        self.assertEqual(self.env["crm.assignment.log"].search_count(
            [("rule_id", "=", rule.id)]), 500)
        # a second run assigns nothing more
        again = self.assign(left)
        self.assertEqual((len(again["assigned"]), len(again["no_capacity"])), (0, 500))
        # a lead lost by a rep frees one place for that rep
        rep = self.reps[3]
        mine = leads.filtered(lambda lead: lead.user_id == rep)
        mine[0].write({"active": False})
        third = self.assign(left)
        self.assertEqual(list(third["assigned"].values()), [rep.id])

    def test_capacity_counts_the_period_only(self):
        rule = self.new_rule(self.reps[:2], capacity=2, period="day")
        leads = bulk_leads(self.env, 6, rule.team_id)
        self.assertEqual(len(self.assign(leads)["assigned"]), 4)
        # what was assigned yesterday no longer counts against today
        yesterday = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=1))
        self.env.cr.execute("UPDATE crm_lead SET assignment_date = %s WHERE id IN %s",
                            (yesterday, tuple(leads.ids)))
        self.env.cache.invalidate()
        self.assertEqual(len(self.assign(leads)["assigned"]), 2)
        # in total: the same four stay counted
        total = self.new_rule(self.reps[:2], capacity=2, period="total")
        others = bulk_leads(self.env, 6, total.team_id)
        self.assertEqual(len(self.assign(others)["assigned"]), 4)
        self.env.cr.execute("UPDATE crm_lead SET assignment_date = %s WHERE id IN %s",
                            (yesterday, tuple(others.ids)))
        self.env.cache.invalidate()
        self.assertEqual(len(self.assign(others)["assigned"]), 0)

    def test_a_member_added_later_gets_their_share(self):
        rule = self.new_rule(self.reps[:9])
        self.assign(bulk_leads(self.env, 450, rule.team_id))
        self.add_member(rule, self.reps[9])
        leads = bulk_leads(self.env, 500, rule.team_id)
        self.assign(leads)
        self.assertEqual(set(self.per_rep(leads).values()), {50})

    def test_a_member_added_later_catches_up_under_load_balancing(self):
        rule = self.new_rule(self.reps[:9], method="load_balanced")
        self.assign(bulk_leads(self.env, 450, rule.team_id))
        self.add_member(rule, self.reps[9])
        self.assign(bulk_leads(self.env, 100, rule.team_id))
        loads = self.open_loads(rule.team_id)
        self.assertEqual(set(loads.values()), {55}, loads)

    def test_paused_and_archived_members_get_nothing(self):
        rule = self.new_rule(self.reps[:4])
        rule.member_ids.filtered(lambda m: m.user_id == self.reps[0]).action_pause()
        self.reps[1].active = False
        leads = bulk_leads(self.env, 20, rule.team_id)
        self.assign(leads)
        spread = self.per_rep(leads, self.reps[:4])
        self.assertEqual(list(spread.values()), [0, 0, 10, 10])


class TestConditions(AssignmentCase):

    @classmethod
    def setUpClass(cls):
        super(TestConditions, cls).setUpClass()
        cls.china = cls.env.ref("base.cn")
        cls.germany = cls.env.ref("base.de")
        cls.california = cls.env.ref("base.state_us_5")
        cls.web = cls.env["utm.source"].create({"name": "Assign Web"})
        cls.fair = cls.env["utm.source"].create({"name": "Assign Fair"})
        cls.industry = cls.env["res.partner.industry"].create({"name": "Assign Ind"})
        cls.level_a = cls.env.ref("crm_core.dictionary_customer_level_a")
        company = cls.env["res.partner"].create({
            "name": "Assign Company", "is_company": True, "customer": True,
            "industry_id": cls.industry.id, "customer_level_id": cls.level_a.id})
        cls.contact = cls.env["res.partner"].create({
            "name": "Assign Contact", "parent_id": company.id})

    def lead(self, team, **vals):
        values = {"name": "Condition lead", "team_id": team.id, "user_id": False}
        values.update(vals)
        return self.env["crm.lead"].with_context(crm_no_auto_assign=True).create(
            values)

    def test_each_condition_and_fall_through(self):
        team = self.env["crm.team"].create({"name": "Conditions Team"})
        region = self.new_rule(self.reps[:1], team=team, sequence=1,
                               country_ids=[(6, 0, self.china.ids)],
                               state_ids=[(6, 0, self.california.ids)])
        source = self.new_rule(self.reps[1:2], team=team, sequence=2,
                               source_ids=[(6, 0, self.web.ids)])
        industry = self.new_rule(self.reps[2:3], team=team, sequence=3,
                                 industry_ids=[(6, 0, self.industry.ids)])
        level = self.new_rule(self.reps[3:4], team=team, sequence=4,
                              level_ids=[(6, 0, self.level_a.ids)],
                              domain="[('planned_revenue', '>=', 1000)]")
        in_china = self.lead(team, country_id=self.china.id)
        in_california = self.lead(team, country_id=self.env.ref("base.us").id,
                                  state_id=self.california.id)
        from_web = self.lead(team, country_id=self.germany.id, source_id=self.web.id)
        from_fair = self.lead(team, source_id=self.fair.id)
        industry_lead = self.lead(team, partner_id=self.contact.id)
        big = self.lead(team, partner_id=self.contact.id, planned_revenue=5000,
                        source_id=self.fair.id)
        industry.active = False  # so that "big" reaches the level rule
        result = self.assign(in_china | in_california | from_web | from_fair
                             | industry_lead | big)
        self.assertEqual(in_china.assignment_rule_id, region)
        self.assertEqual(in_california.assignment_rule_id, region)
        self.assertEqual(from_web.assignment_rule_id, source)
        self.assertEqual(big.assignment_rule_id, level)
        self.assertEqual(big.user_id, self.reps[3])
        # the industry lead has a revenue below the level rule's domain
        self.assertEqual(sorted(result["no_rule"]),
                         sorted((from_fair | industry_lead).ids))
        industry.active = True
        again = self.assign(industry_lead)
        self.assertEqual(industry_lead.assignment_rule_id, industry)
        self.assertEqual(list(again["assigned"]), industry_lead.ids)

    def test_a_full_rule_lets_leads_fall_through(self):
        team = self.env["crm.team"].create({"name": "Overflow Team"})
        first = self.new_rule(self.reps[:1], team=team, capacity=1, sequence=1)
        second = self.new_rule(self.reps[1:2], team=team, sequence=2)
        leads = bulk_leads(self.env, 3, team)
        self.assign(leads)
        self.assertEqual(leads.mapped("assignment_rule_id"), first | second)
        second_rep = leads.filtered(lambda lead: lead.user_id == self.reps[1])
        self.assertEqual(len(second_rep), 2)

    def test_a_lead_of_another_team_is_not_taken(self):
        rule = self.new_rule(self.reps[:1])
        other = self.env["crm.team"].create({"name": "Other Assign Team"})
        lead = self.lead(other)
        result = self.assign(lead)
        self.assertEqual(result["no_rule"], lead.ids)
        self.assertFalse(lead.user_id)
        # a lead without a team is matched against every rule and gets its team
        teamless = self.lead(self.env["crm.team"], team_id=False)
        self.assign(teamless)
        self.assertEqual((teamless.user_id, teamless.team_id),
                         (self.reps[0], rule.team_id))

    def test_bad_conditions_are_refused_naming_the_rule(self):
        # (each in a savepoint, as a request's transaction is rolled back)
        invalid = "Broken Rule.*not a valid domain"
        with self.assertRaisesRegex(ValidationError, invalid), self.env.cr.savepoint():
            self.Rule.create({"name": "Broken Rule", "team_id": self.team.id,
                              "domain": "[('no_such_field', '=', 1)]"})
        with self.assertRaisesRegex(ValidationError, invalid), self.env.cr.savepoint():
            self.Rule.create({"name": "Broken Rule", "team_id": self.team.id,
                              "domain": "{'a': 1}"})
        doubled = "Doubled Rule.*with its country"
        with self.assertRaisesRegex(ValidationError, doubled), self.env.cr.savepoint():
            self.Rule.create({
                "name": "Doubled Rule", "team_id": self.team.id,
                "country_ids": [(6, 0, self.env.ref("base.us").ids)],
                "state_ids": [(6, 0, self.california.ids)]})
        self.assertFalse(self.Rule.search([("name", "in", ["Broken Rule",
                                                           "Doubled Rule"])]))

    def test_the_summary_names_the_conditions(self):
        rule = self.new_rule([], source_ids=[(6, 0, self.web.ids)],
                             country_ids=[(6, 0, self.china.ids)])
        self.assertEqual(rule.condition_summary,
                         "Region: %s; Source: Assign Web" % self.china.display_name)
        self.assertEqual(self.new_rule([]).condition_summary, "Every lead of the team")


class TestTriggersAndLog(AssignmentCase):

    def test_a_new_lead_without_salesperson_is_assigned_at_once(self):
        rule = self.new_rule(self.reps[:2])
        Lead = self.env["crm.lead"]
        lead = Lead.create({"name": "Fresh", "team_id": rule.team_id.id,
                            "user_id": False})
        self.assertIn(lead.user_id, self.reps[0] | self.reps[1])
        log = lead.assignment_log_ids
        self.assertEqual(len(log), 1)
        self.assertEqual((log.trigger, log.rule_id, log.user_id),
                         ("create", rule, lead.user_id))
        self.assertIn(lead.user_id.partner_id, lead.message_partner_ids)
        # a lead a rep creates for themselves is theirs
        own = Lead.sudo(self.reps[5]).create({"name": "Mine",
                                              "team_id": rule.team_id.id})
        self.assertEqual(own.user_id, self.reps[5])
        self.assertFalse(own.assignment_log_ids)
        # rules that do not assign new leads wait for the button or the job
        rule.auto_assign = False
        later = Lead.create({"name": "Later", "team_id": rule.team_id.id,
                             "user_id": False})
        self.assertFalse(later.user_id)

    def test_the_log_says_why(self):
        rule = self.new_rule(self.reps[:2], capacity=20, period="week")
        leads = bulk_leads(self.env, 3, rule.team_id)
        self.assign(leads)
        logs = self.env["crm.assignment.log"].search([("rule_id", "=", rule.id)],
                                                     order="id")
        first, second, third = logs
        self.assertEqual(first.reason,
                         "round robin: first turn, drawn by lot (seed %s-0); "
                         "1/20 this week" % rule.seed)
        self.assertEqual(second.reason, "round robin: next after %s; 1/20 this week"
                         % first.user_id.name)
        self.assertEqual(third.reason, "round robin: next after %s; 2/20 this week"
                         % second.user_id.name)
        self.assertEqual(third.user_id, first.user_id)
        balanced = self.new_rule(self.reps[2:4], team=self.team,
                                 method="load_balanced")
        bulk_leads(self.env, 2, balanced.team_id, user_id=self.reps[2].id)
        lead = bulk_leads(self.env, 1, balanced.team_id)
        self.assign(lead)
        self.assertEqual(lead.assignment_log_ids.reason,
                         "load balanced: fewest open leads (0); 1 this week, no limit")

    def test_a_hand_made_change_takes_the_lead_off_the_rule(self):
        rule = self.new_rule(self.reps[:1], capacity=1)
        lead = bulk_leads(self.env, 1, rule.team_id)
        self.assign(lead)
        self.assertEqual(lead.assignment_rule_id, rule)
        lead.write({"user_id": self.reps[1].id})
        self.assertFalse(lead.assignment_rule_id)
        # so the rep has room again
        more = bulk_leads(self.env, 1, rule.team_id)
        self.assertEqual(self.assign(more)["assigned"], {more.id: self.reps[0].id})
        # converting keeps the salesperson and the rule
        more.write({"type": "opportunity", "user_id": self.reps[0].id})
        self.assertEqual(more.assignment_rule_id, rule)

    def test_the_assign_button_as_team_leader_and_refused_to_a_rep(self):
        rule = self.new_rule(self.reps[:2], team=self.team)
        leader = self.new_user("assign_leader", ["base.group_user",
                                                 "crm_core.group_sale_team_leader"],
                               sale_team_id=self.team.id)
        leads = bulk_leads(self.env, 4, self.team)
        taken = bulk_leads(self.env, 1, self.team, user_id=self.reps[3].id)
        ids = (leads | taken).ids
        Wizard = self.env["crm.lead.assign"].with_context(active_model="crm.lead",
                                                          active_ids=ids)
        with self.assertRaises(AccessError):
            Wizard.sudo(self.reps[0]).create({}).action_assign()
        self.assertFalse(leads.mapped("user_id"))
        wizard = Wizard.sudo(leader).create({})
        self.assertEqual(wizard.lead_count, 5)
        action = wizard.action_assign()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual((wizard.assigned_count, wizard.skipped_count), (4, 1))
        self.assertIn("4 leads assigned.", wizard.summary)
        self.assertEqual(len(leads.mapped("user_id")), 2)
        logs = self.env["crm.assignment.log"].search([("rule_id", "=", rule.id)])
        self.assertEqual(logs.mapped("create_uid"), leader)
        self.assertEqual(set(logs.mapped("trigger")), {"manual"})

    def test_assign_now_on_the_rule_reports_the_leads_left(self):
        rule = self.new_rule(self.reps[:1], capacity=2)
        bulk_leads(self.env, 5, rule.team_id)
        action = rule.action_assign_now()
        wizard = self.env["crm.lead.assign"].browse(action["res_id"])
        self.assertEqual((wizard.assigned_count, wizard.no_capacity_count), (2, 3))
        self.assertTrue(wizard.has_left)
        left = wizard.action_view_left()
        self.assertEqual(len(left["domain"][0][2]), 3)

    def test_the_scheduled_job_assigns_the_teams_with_rules(self):
        rule = self.new_rule(self.reps[:2])
        waiting = bulk_leads(self.env, 30, rule.team_id)
        elsewhere = bulk_leads(self.env, 3, self.env["crm.team"].create(
            {"name": "No Rules Team"}))
        total = self.Rule._cron_assign(chunk=7)
        self.env.cache.invalidate()
        self.assertEqual(len(waiting.mapped("user_id")), 2)
        self.assertFalse(elsewhere.mapped("user_id"))
        self.assertGreaterEqual(total["assigned"], 30)
        self.assertEqual(set(waiting.mapped("assignment_log_ids.trigger")), {"cron"})


class TestBulkQueries(AssignmentCase):

    def test_200_leads_take_no_more_queries_than_20(self):
        rule = self.new_rule(self.reps, capacity=1000)
        self.assign(bulk_leads(self.env, 5, rule.team_id))  # warm the caches
        small = bulk_leads(self.env, 20, rule.team_id)
        big = bulk_leads(self.env, 200, rule.team_id)
        self.env.cache.invalidate()
        with self.count_queries() as counted:
            self.Rule._assign_leads(small.ids, "manual")
        self.env.cache.invalidate()
        with self.assertMaxQueries(counted.count + 1):
            result = self.Rule._assign_leads(big.ids, "manual")
        self.assertEqual(len(result["assigned"]), 200)
        self.assertLess(counted.count, 40)
        self.env.cache.invalidate()
        self.assertEqual(len(big.mapped("user_id")), 10)
        self.assertEqual(len(big.mapped("assignment_log_ids")), 200)
        followers = self.env["mail.followers"].search_count(
            [("res_model", "=", "crm.lead"), ("res_id", "in", big.ids)])
        self.assertEqual(followers, 200)
        # Odoo's assignment date and days-to-assign are set too
        self.assertTrue(all(big.mapped("date_open")))
        self.assertEqual(set(big.mapped("day_open")), {0.0})


class TestAssignmentSecurity(AssignmentCase):

    @classmethod
    def setUpClass(cls):
        super(TestAssignmentSecurity, cls).setUpClass()
        cls.other_team = cls.env["crm.team"].create({"name": "Security Other Team"})
        cls.leader = cls.new_user(
            "assign_sec_leader", ["base.group_user", "crm_core.group_sale_team_leader"],
            sale_team_id=cls.team.id)
        cls.team.user_id = cls.leader
        cls.manager = cls.new_user(
            "assign_sec_manager", ["base.group_user", "sales_team.group_sale_manager"])
        cls.other_rep = cls.new_user("assign_sec_other", SALESMAN,
                                     sale_team_id=cls.other_team.id)
        Rule = cls.env["crm.assignment.rule"]
        cls.rule = Rule.create({"name": "Own Team Rule", "team_id": cls.team.id})
        cls.other_rule = Rule.create({"name": "Other Team Rule",
                                      "team_id": cls.other_team.id})
        Member = cls.env["crm.assignment.member"]
        cls.member = Member.create({"rule_id": cls.rule.id,
                                    "user_id": cls.reps[0].id})
        cls.other_member = Member.create({"rule_id": cls.other_rule.id,
                                          "user_id": cls.other_rep.id})
        Log = cls.env["crm.assignment.log"]
        lead = cls.env["crm.lead"].create({"name": "Sec lead", "user_id": False})
        cls.log_mine = Log.create({"lead_id": lead.id, "user_id": cls.reps[0].id,
                                   "team_id": cls.team.id, "rule_id": cls.rule.id})
        cls.log_colleague = Log.create({"lead_id": lead.id,
                                        "user_id": cls.reps[1].id,
                                        "team_id": cls.team.id})
        cls.log_other = Log.create({"lead_id": lead.id, "user_id": cls.other_rep.id,
                                    "team_id": cls.other_team.id})
        cls.logs = cls.log_mine | cls.log_colleague | cls.log_other

    def visible(self, records, user):
        return records.sudo(user).search([("id", "in", records.ids)])

    def test_rules_team_leader_reads_own_team_only(self):
        rules = self.rule | self.other_rule
        self.assertEqual(self.visible(rules, self.leader), self.rule)
        self.assertEqual(self.rule.sudo(self.leader).name, "Own Team Rule")
        with self.assertRaises(AccessError):
            self.other_rule.sudo(self.leader).read(["name"])

    def test_rules_team_leader_cannot_edit(self):
        with self.assertRaises(AccessError):
            self.rule.sudo(self.leader).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.env["crm.assignment.rule"].sudo(self.leader).create(
                {"name": "Leader Rule", "team_id": self.team.id})

    def test_rules_reps_have_no_access(self):
        with self.assertRaises(AccessError):
            self.env["crm.assignment.rule"].sudo(self.reps[0]).search([])
        with self.assertRaises(AccessError):
            self.env["crm.assignment.member"].sudo(self.reps[0]).search([])

    def test_rules_manager_edits_all(self):
        rules = self.rule | self.other_rule
        self.assertEqual(self.visible(rules, self.manager), rules)
        self.other_rule.sudo(self.manager).write({"name": "Renamed"})
        self.assertEqual(self.other_rule.name, "Renamed")
        member = self.env["crm.assignment.member"].sudo(self.manager).create(
            {"rule_id": self.other_rule.id, "user_id": self.reps[2].id})
        member.action_pause()
        self.assertEqual(member.state, "paused")

    def test_members_team_leader_reads_own_team_only(self):
        members = self.member | self.other_member
        self.assertEqual(self.visible(members, self.leader), self.member)
        with self.assertRaises(AccessError):
            self.other_member.sudo(self.leader).read(["capacity"])
        with self.assertRaises(AccessError):
            self.member.sudo(self.leader).write({"capacity": 3})

    def test_log_rep_sees_own_assignments_only(self):
        self.assertEqual(self.visible(self.logs, self.reps[0]), self.log_mine)
        with self.assertRaises(AccessError):
            self.log_colleague.sudo(self.reps[0]).read(["reason"])

    def test_log_team_leader_sees_the_team(self):
        self.assertEqual(self.visible(self.logs, self.leader),
                         self.log_mine | self.log_colleague)
        with self.assertRaises(AccessError):
            self.log_other.sudo(self.leader).read(["reason"])

    def test_log_department_head_sees_the_department(self):
        department = self.env["hr.department"].create({"name": "Assign Dept"})
        head = self.new_user("assign_sec_head",
                             ["base.group_user", "crm_core.group_sale_department_head"])
        Employee = self.env["hr.employee"]
        Employee.create({"name": "Head", "user_id": head.id,
                         "department_id": department.id})
        Employee.create({"name": "Other", "user_id": self.other_rep.id,
                         "department_id": department.id})
        self.assertEqual(self.visible(self.logs, head), self.log_other)
        with self.assertRaises(AccessError):
            self.log_mine.sudo(head).read(["reason"])

    def test_log_manager_sees_all_and_nobody_edits(self):
        self.assertEqual(self.visible(self.logs, self.manager), self.logs)
        with self.assertRaises(AccessError):
            self.log_mine.sudo(self.manager).write({"reason": "forged"})
        with self.assertRaises(AccessError):
            self.log_mine.sudo(self.manager).unlink()


class TestAssignmentRace(TransactionCase):
    """Two assigners at once: the second started before the first committed, so
    its snapshot misses the first one's leads. Locking the members makes
    PostgreSQL refuse it (Odoo retries such a request); the retry sees the truth
    and the capacity holds. Real, committed transactions, cleaned up after."""

    def setUp(self):
        super(TestAssignmentRace, self).setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            team = env["crm.team"].create({"name": "Race Assign Team"})
            groups = [env.ref(xmlid).id for xmlid in SALESMAN]
            users = env["res.users"].with_context(no_reset_password=True)
            reps = users.create({"name": "Race A", "login": "race_assign_a",
                                 "groups_id": [(6, 0, groups)]}) | users.create(
                {"name": "Race B", "login": "race_assign_b",
                 "groups_id": [(6, 0, groups)]})
            rule = env["crm.assignment.rule"].create({
                "name": "Race Rule", "team_id": team.id,
                "member_ids": [(0, 0, {"user_id": rep.id, "capacity": 2,
                                       "capacity_period": "total"})
                               for rep in reps]})
            first = bulk_leads(env, 3, team)
            second = bulk_leads(env, 3, team)
            self.ids = {"team": team.id, "users": reps.ids, "rule": rule.id,
                        "first": first.ids, "second": second.ids}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            leads = self.ids["first"] + self.ids["second"]
            cr.execute("DELETE FROM mail_followers WHERE res_model = 'crm.lead' "
                       "AND res_id IN %s", (tuple(leads),))
            env["crm.lead"].with_context(active_test=False).browse(leads).unlink()
            env["crm.assignment.rule"].browse(self.ids["rule"]).unlink()
            users = env["res.users"].browse(self.ids["users"])
            partners = users.mapped("partner_id")
            users.unlink()
            partners.unlink()
            env["crm.team"].browse(self.ids["team"]).unlink()

    def _assign(self, cr, key):
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.clear()  # a retried request starts afresh
        return env["crm.assignment.rule"]._assign_leads(self.ids[key], "manual")

    def test_two_assigners_at_once_keep_the_capacity(self):
        cr_first = self.registry.cursor()
        cr_second = self.registry.cursor()
        try:
            cr_second.execute("SELECT count(*) FROM crm_lead WHERE id IN %s",
                              (tuple(self.ids["second"]),))  # its snapshot
            self.assertEqual(len(self._assign(cr_first, "first")["assigned"]), 3)
            cr_first.commit()
            with self.assertRaises(psycopg2.extensions.TransactionRollbackError):
                self._assign(cr_second, "second")
            cr_second.rollback()  # Odoo's retry
            result = self._assign(cr_second, "second")
            cr_second.commit()
        finally:
            cr_first.close()
            cr_second.close()
        self.assertEqual(len(result["assigned"]), 1)
        self.assertEqual(len(result["no_capacity"]), 2)
        with self.registry.cursor() as cr:
            cr.execute("SELECT user_id, count(*) FROM crm_lead WHERE id IN %s "
                       "AND user_id IS NOT NULL GROUP BY user_id",
                       (tuple(self.ids["first"] + self.ids["second"]),))
            counts = dict(cr.fetchall())
        self.assertEqual(counts, {user_id: 2 for user_id in self.ids["users"]})
