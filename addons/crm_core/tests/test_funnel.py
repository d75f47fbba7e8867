"""The sales funnel (销售漏斗): every stage change of a lead is recorded once, in one
INSERT however many leads move; the funnel report's numbers equal the sums of
fixture leads with known dates (reached, revenue, conversion to a later stage, won,
lost, average days in stage, by team, salesperson, source and month); teams with
stages of their own work in those; the history and the report follow the data
scope of leads, and nobody edits the history."""
import base64
import contextlib
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests.common import SavepointCase

from .common import CrmTestMixin


@contextlib.contextmanager
def clock(when):
    """Odoo's "now" (fields.Datetime.now) is ``when`` inside the block."""
    with patch.object(fields.Datetime, "now", staticmethod(lambda *args: when)):
        yield


def days_ago(days):
    return fields.Datetime.to_string(
        fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days))


class FunnelCase(CrmTestMixin, SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(FunnelCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_notrack=True, lang="en_US"))
        Team = cls.env["crm.team"]
        cls.team_a = Team.create({"name": "Funnel Team A"})
        cls.team_b = Team.create({"name": "Funnel Team B"})
        Stage = cls.env["crm.stage"]

        def stage(name, team, sequence, probability=10.0, on_change=True):
            return Stage.create({"name": name, "team_id": team.id,
                                 "sequence": sequence, "probability": probability,
                                 "on_change": on_change})

        cls.s1 = stage("A1 Contact", cls.team_a, 1)
        cls.s2 = stage("A2 Offer", cls.team_a, 2, 40.0)
        cls.s3 = stage("A3 Contract", cls.team_a, 3, 80.0)
        cls.won = stage("A4 Signed", cls.team_a, 70, 100.0)
        cls.t1 = stage("B1 Inquiry", cls.team_b, 1)
        cls.t2 = stage("B2 Samples", cls.team_b, 2, 50.0)
        salesman = ["base.group_user", "sales_team.group_sale_salesman"]
        cls.rep1 = cls.new_user("funnel_rep1", salesman, sale_team_id=cls.team_a.id)
        cls.rep2 = cls.new_user("funnel_rep2", salesman, sale_team_id=cls.team_a.id)
        cls.rep3 = cls.new_user("funnel_rep3", salesman, sale_team_id=cls.team_b.id)
        cls.leader = cls.new_user(
            "funnel_leader", ["base.group_user", "crm_core.group_sale_team_leader"],
            sale_team_id=cls.team_a.id)
        cls.team_a.user_id = cls.leader
        cls.manager = cls.new_user(
            "funnel_manager", ["base.group_user", "sales_team.group_sale_manager"])
        cls.analyst = cls.new_user("funnel_analyst",
                                   ["base.group_user", "crm_core.group_analyst"])
        Source = cls.env["utm.source"]
        cls.fair = Source.create({"name": "Funnel Fair"})
        cls.web = Source.create({"name": "Funnel Web"})

    @classmethod
    def lead(cls, name, user, team, stage, revenue, source, entered):
        """A lead created in ``stage`` on ``entered``."""
        with clock(entered):
            return cls.env["crm.lead"].create({
                "name": name, "type": "opportunity", "user_id": user.id,
                "team_id": team.id, "stage_id": stage.id,
                "planned_revenue": revenue, "source_id": source.id,
                "date_last_stage_update": entered})

    @staticmethod
    def move(leads, stage, when):
        with clock(when):
            leads.write({"stage_id": stage.id})

    def history(self, leads):
        return self.env["crm.lead.stage.history"].search(
            [("lead_id", "in", leads.ids)], order="date, id")


class TestStageHistory(FunnelCase):

    def test_creation_records_the_entry_into_the_first_stage(self):
        lead = self.lead("H create", self.rep1, self.team_a, self.s1, 10, self.fair,
                         "2024-03-01 09:00:00")
        entry = self.history(lead)
        self.assertEqual(len(entry), 1)
        self.assertFalse(entry.stage_from_id)
        self.assertEqual(entry.stage_to_id, self.s1)
        self.assertEqual((entry.user_id, entry.team_id), (self.rep1, self.team_a))
        self.assertEqual(entry.date, "2024-03-01 09:00:00")
        self.assertFalse(entry.days_in_previous)

    def test_each_change_is_recorded_once_with_the_days_spent(self):
        lead = self.lead("H move", self.rep1, self.team_a, self.s1, 10, self.fair,
                         "2024-03-01 09:00:00")
        self.move(lead, self.s2, "2024-03-11 21:00:00")
        self.move(lead, self.s2, "2024-03-12 09:00:00")  # no change: no entry
        self.move(lead, self.s3, "2024-03-15 21:00:00")
        rows = self.history(lead)
        self.assertEqual(rows.mapped("stage_to_id"), self.s1 | self.s2 | self.s3)
        self.assertEqual([r.stage_from_id for r in rows],
                         [self.s1.browse(), self.s1, self.s2])
        self.assertEqual(rows.mapped("days_in_previous"), [0.0, 10.5, 4.0])
        self.assertEqual(rows[-1].date, "2024-03-15 21:00:00")

    def test_days_count_from_the_entry_set_by_sql(self):
        """The days in the previous stage run from the lead's last entry in the
        history (here dated back by SQL) to the change, at Odoo's real clock."""
        lead = self.env["crm.lead"].create({
            "name": "H sql", "type": "opportunity", "user_id": self.rep1.id,
            "team_id": self.team_a.id, "stage_id": self.s1.id})
        self.env.cr.execute(
            "UPDATE crm_lead_stage_history SET date = %s WHERE lead_id = %s",
            (days_ago(12), lead.id))
        lead.write({"stage_id": self.s2.id})
        last = self.history(lead)[-1]
        self.assertEqual(last.stage_from_id, self.s1)
        self.assertAlmostEqual(last.days_in_previous, 12.0, places=3)

    def test_a_multi_lead_write_records_every_changed_lead_in_one_insert(self):
        leads = self.env["crm.lead"]
        for index in range(6):
            leads |= self.lead("H batch %d" % index, self.rep1, self.team_a,
                               self.s2 if index < 2 else self.s1, 10, self.fair,
                               "2024-04-01 08:00:00")
        cr = self.env.cr
        statements = []
        execute = cr.execute

        def spy(query, params=None, log_exceptions=None):
            statements.append(str(query))
            return execute(query, params)

        with patch.object(cr, "execute", spy):
            self.move(leads, self.s2, "2024-04-03 08:00:00")
        inserts = [s for s in statements
                   if "INSERT INTO crm_lead_stage_history" in s]
        self.assertEqual(len(inserts), 1, inserts)
        moved = self.history(leads).filtered(lambda h: h.stage_from_id)
        self.assertEqual(moved.mapped("lead_id"), leads[2:],
                         "the two leads already in the stage did not move")
        self.assertEqual(set(moved.mapped("days_in_previous")), {2.0})

    def test_moving_50_leads_costs_as_many_queries_as_moving_5(self):
        Lead = self.env["crm.lead"]
        small, large = Lead, Lead
        for index in range(55):
            lead = self.lead("H bulk %d" % index, self.rep1, self.team_a, self.s1,
                             10, self.fair, "2024-05-01 08:00:00")
            if index < 5:
                small |= lead
            else:
                large |= lead
        # the first write warms the caches both measures share
        self.move(small[:1], self.s3, "2024-05-02 08:00:00")
        small = small[1:] | large[:1]
        large = large[1:]
        self.env["crm.lead"].invalidate_cache()
        with self.count_queries() as five:
            self.move(small, self.s2, "2024-05-03 08:00:00")
        self.env["crm.lead"].invalidate_cache()
        with self.assertMaxQueries(five.count):
            self.move(large, self.s2, "2024-05-03 08:00:00")
        self.assertEqual(len(self.history(large).filtered("stage_from_id")), 49)
        self.assertLessEqual(five.count, 25)


class TestLeadsWrittenInBulk(FunnelCase):

    def test_imported_leads_enter_the_history(self):
        content = "线索名称,预计金额\n批量一,100\n批量二,200".encode("utf-8-sig")
        Job = self.env["crm.import.job"]
        job = Job.sudo(self.rep1).create({
            "file": base64.b64encode(content), "filename": "leads.csv",
            "kind": "lead", "chunk_size": 10})
        job.action_check()
        job.action_start()
        while Job._run_chunk_in(job.id):
            pass
        leads = self.env["crm.lead"].search([("name", "in", ["批量一", "批量二"])])
        self.assertEqual(len(leads), 2)
        rows = self.history(leads)
        self.assertEqual(rows.mapped("lead_id"), leads)
        self.assertEqual(rows.mapped("stage_to_id"), self.s1,
                         "the first stage of the rep's team")
        self.assertFalse(rows.mapped("stage_from_id"))

    def test_leads_written_by_sql_get_their_entry(self):
        self.env.cr.execute("""
            INSERT INTO crm_lead (name, type, active, team_id, user_id, stage_id,
                                  probability, date_last_stage_update, create_date)
            VALUES ('H by SQL', 'opportunity', TRUE, %s, %s, %s, 40,
                    '2024-02-02 02:02:02', '2024-02-01 01:01:01')
            RETURNING id
        """, (self.team_a.id, self.rep1.id, self.s2.id))
        lead = self.env["crm.lead"].browse(self.env.cr.fetchone()[0])
        Lead = self.env["crm.lead"]
        Lead._backfill_stage_entries()
        Lead._backfill_stage_entries()
        entry = self.history(lead)
        self.assertEqual((len(entry), entry.stage_to_id, entry.date),
                         (1, self.s2, "2024-02-02 02:02:02"))


class TestFunnelReport(FunnelCase):
    """Team A: stages A1 → A2 → A3 → A4 (won). Five leads, dates as below; days in
    each stage worked out by hand in the comments. Team B: one lead B1 → B2."""

    @classmethod
    def setUpClass(cls):
        super(TestFunnelReport, cls).setUpClass()
        lead, move = cls.lead, cls.move
        # L1: A1 01-01, A2 01-11 (10 d), A3 01-31 (20 d), A4 02-10 (10 d): won
        cls.l1 = lead("F L1", cls.rep1, cls.team_a, cls.s1, 1000, cls.fair,
                      "2024-01-01 10:00:00")
        move(cls.l1, cls.s2, "2024-01-11 10:00:00")
        move(cls.l1, cls.s3, "2024-01-31 10:00:00")
        move(cls.l1, cls.won, "2024-02-10 10:00:00")
        # L2: A1 01-05, A2 01-25 (20 d), lost in A2 on 02-01
        cls.l2 = lead("F L2", cls.rep1, cls.team_a, cls.s1, 2000, cls.web,
                      "2024-01-05 10:00:00")
        move(cls.l2, cls.s2, "2024-01-25 10:00:00")
        with clock("2024-02-01 10:00:00"):
            cls.l2.action_set_lost()
        # L3: A1 01-10, A3 02-09 (30 d, skips A2), still in A3
        cls.l3 = lead("F L3", cls.rep2, cls.team_a, cls.s1, 4000, cls.fair,
                      "2024-01-10 10:00:00")
        move(cls.l3, cls.s3, "2024-02-09 10:00:00")
        # L4: A1 02-01, still there
        cls.l4 = lead("F L4", cls.rep2, cls.team_a, cls.s1, 8000, cls.web,
                      "2024-02-01 10:00:00")
        # L5: A1 02-02, A2 02-12 (10 d), back to A1 02-17 (5 d in A2)
        cls.l5 = lead("F L5", cls.rep1, cls.team_a, cls.s1, 16000, cls.fair,
                      "2024-02-02 10:00:00")
        move(cls.l5, cls.s2, "2024-02-12 10:00:00")
        move(cls.l5, cls.s1, "2024-02-17 10:00:00")
        # L6 (team B): B1 01-03, B2 01-13 (10 d)
        cls.l6 = lead("F L6", cls.rep3, cls.team_b, cls.t1, 32000, cls.web,
                      "2024-01-03 10:00:00")
        move(cls.l6, cls.t2, "2024-01-13 10:00:00")
        cls.measures = ["nbr_reached", "expected_revenue", "nbr_advanced",
                        "conversion_rate", "nbr_won", "nbr_lost", "days_in_stage"]

    def funnel(self, user, domain, groupby, lazy=True):
        Report = self.env["crm.funnel.report"].sudo(user)
        fields = self.measures + [g.split(":")[0] for g in groupby]
        return Report.read_group(domain, fields, groupby, lazy=lazy)

    def row(self, group):
        days = group["days_in_stage"]
        return (group["nbr_reached"], group["expected_revenue"],
                group["nbr_advanced"], round(group["conversion_rate"], 2),
                group["nbr_won"], group["nbr_lost"],
                None if days is None or days is False else round(days, 2))

    def test_numbers_by_stage_equal_the_fixtures(self):
        groups = self.funnel(self.manager, [("team_id", "=", self.team_a.id)],
                             ["stage_id"])
        self.assertEqual([g["stage_id"][0] for g in groups],
                         [self.s1.id, self.s2.id, self.s3.id, self.won.id],
                         "stages in pipeline order")
        self.assertEqual([self.row(g) for g in groups], [
            # reached, revenue, went on, %, won, lost, days (10+20+30+10)/4
            (5, 31000.0, 4, 80.0, 1, 1, 17.5),
            # L1, L2, L5: L1 went on; days: L1 20, L5 5 (L2 never left A2)
            (3, 19000.0, 1, 33.33, 1, 1, 12.5),
            # L1, L3: L1 went on to A4; days: L1 10 (L3 is still there)
            (2, 5000.0, 1, 50.0, 1, 0, 10.0),
            (1, 1000.0, 0, 0.0, 1, 0, None),
        ])

    def test_numbers_by_salesperson_source_and_month(self):
        first = [("team_id", "=", self.team_a.id), ("stage_id", "=", self.s1.id)]
        by_user = {g["user_id"][0]: self.row(g)
                   for g in self.funnel(self.manager, first, ["user_id"])}
        self.assertEqual(by_user, {
            self.rep1.id: (3, 19000.0, 3, 100.0, 1, 1, 13.33),  # L1, L2, L5
            self.rep2.id: (2, 12000.0, 1, 50.0, 0, 0, 30.0),  # L3, L4
        })
        by_source = {g["source_id"][0]: g["expected_revenue"]
                     for g in self.funnel(self.manager, first, ["source_id"])}
        self.assertEqual(by_source, {self.fair.id: 21000.0, self.web.id: 10000.0})
        by_month = [(g["date:month"], g["nbr_reached"]) for g in self.funnel(
            self.manager, [("team_id", "=", self.team_a.id)], ["date:month"])]
        # first entries: January L1 A1 A2 A3, L2 A1 A2, L3 A1 (6);
        # February L3 A3, L4 A1, L5 A1 A2, L1 A4 (5)
        self.assertEqual(by_month, [("January 2024", 6), ("February 2024", 5)])

    def test_a_team_with_its_own_stages_has_its_own_funnel(self):
        groups = self.funnel(self.manager, [("team_id", "=", self.team_b.id)],
                             ["stage_id"])
        self.assertEqual([(g["stage_id"][0], self.row(g)) for g in groups], [
            (self.t1.id, (1, 32000.0, 1, 100.0, 0, 0, 10.0)),
            (self.t2.id, (1, 32000.0, 0, 0.0, 0, 0, None)),
        ])

    def test_the_report_follows_the_data_scope(self):
        everything = [("lead_id", "in", (self.l1 | self.l2 | self.l3 | self.l4
                                         | self.l5 | self.l6).ids)]
        Report = self.env["crm.funnel.report"]

        def leads_seen(user):
            return set(Report.sudo(user).search(everything).mapped("lead_id").ids)

        self.assertEqual(leads_seen(self.rep1), set((self.l1 | self.l2 | self.l5).ids))
        self.assertEqual(leads_seen(self.rep3), {self.l6.id})
        self.assertEqual(leads_seen(self.leader), set(
            (self.l1 | self.l2 | self.l3 | self.l4 | self.l5).ids))
        for user in (self.manager, self.analyst):
            self.assertEqual(len(leads_seen(user)), 6)
        # deny: a rep's figures leave out their colleague's leads
        first = self.funnel(self.rep2, [("stage_id", "=", self.s1.id)], ["stage_id"])
        self.assertEqual(self.row(first[0])[:2], (2, 12000.0))
        with self.assertRaises(AccessError):
            Report.sudo(self.rep2).browse(
                Report.search([("lead_id", "=", self.l1.id)], limit=1).id
            ).read(["stage_id"])


class TestHistoryAccess(FunnelCase):

    @classmethod
    def setUpClass(cls):
        super(TestHistoryAccess, cls).setUpClass()
        cls.mine = cls.lead("S mine", cls.rep1, cls.team_a, cls.s1, 10, cls.fair,
                            "2024-01-01 10:00:00")
        cls.colleague = cls.lead("S colleague", cls.rep2, cls.team_a, cls.s1, 10,
                                 cls.fair, "2024-01-01 10:00:00")
        cls.elsewhere = cls.lead("S elsewhere", cls.rep3, cls.team_b, cls.t1, 10,
                                 cls.web, "2024-01-01 10:00:00")
        cls.all_leads = cls.mine | cls.colleague | cls.elsewhere

    def seen(self, user):
        return self.env["crm.lead.stage.history"].sudo(user).search(
            [("lead_id", "in", self.all_leads.ids)]).mapped("lead_id")

    def test_rep_sees_the_history_of_own_leads(self):
        self.assertEqual(self.seen(self.rep1), self.mine)
        self.assertEqual(len(self.mine.sudo(self.rep1).stage_history_ids), 1)

    def test_rep_cannot_read_a_colleagues_history(self):
        entry = self.history(self.colleague)
        with self.assertRaises(AccessError):
            entry.sudo(self.rep1).read(["date"])

    def test_the_history_follows_the_leads_new_owner(self):
        self.colleague.user_id = self.rep1
        self.assertEqual(self.seen(self.rep1), self.mine | self.colleague)

    def test_team_leader_sees_the_team(self):
        self.assertEqual(self.seen(self.leader), self.mine | self.colleague)
        with self.assertRaises(AccessError):
            self.history(self.elsewhere).sudo(self.leader).read(["date"])

    def test_managers_and_analysts_see_all(self):
        self.assertEqual(self.seen(self.manager), self.all_leads)
        self.assertEqual(self.seen(self.analyst), self.all_leads)

    def test_nobody_edits_the_history(self):
        entry = self.history(self.mine)
        for user in (self.rep1, self.manager, self.analyst):
            with self.assertRaises(AccessError):
                entry.sudo(user).write({"date": "2020-01-01 00:00:00"})
            with self.assertRaises(AccessError):
                entry.sudo(user).unlink()
            with self.assertRaises(AccessError):
                self.env["crm.lead.stage.history"].sudo(user).create({
                    "lead_id": self.mine.id, "stage_to_id": self.s2.id,
                    "date": "2020-01-01 00:00:00"})


class TestTeamPipelines(FunnelCase):

    def test_a_new_lead_starts_in_its_teams_first_stage(self):
        lead = self.env["crm.lead"].sudo(self.manager).create(
            {"name": "P new", "type": "opportunity", "team_id": self.team_b.id})
        self.assertEqual(lead.stage_id, self.t1)
        self.assertEqual(lead.pipeline_team_id, self.team_b)

    def test_the_kanban_shows_the_teams_own_stages_only(self):
        Lead = self.env["crm.lead"].sudo(self.manager).with_context(
            default_team_id=self.team_a.id)
        groups = Lead.read_group([("team_id", "=", self.team_a.id)], ["stage_id"],
                                 ["stage_id"])
        self.assertEqual([g["stage_id"][0] for g in groups],
                         [self.s1.id, self.s2.id, self.s3.id, self.won.id])

    def test_a_team_without_stages_keeps_the_shared_ones(self):
        shared = self.env["crm.team"].create({"name": "Funnel Shared"})
        lead = self.env["crm.lead"].create(
            {"name": "P shared", "type": "opportunity", "team_id": shared.id})
        self.assertFalse(lead.stage_id.team_id)
        self.assertFalse(lead.pipeline_team_id)
        groups = self.env["crm.lead"].with_context(
            default_team_id=shared.id).read_group(
                [("team_id", "=", shared.id)], ["stage_id"], ["stage_id"])
        stages = self.env["crm.stage"].browse([g["stage_id"][0] for g in groups])
        self.assertTrue(stages)
        self.assertFalse(stages.mapped("team_id"))

    def test_won_goes_to_the_teams_won_stage(self):
        lead = self.lead("P won", self.rep1, self.team_a, self.s2, 10, self.fair,
                         "2024-01-01 10:00:00")
        lead.sudo(self.rep1).action_set_won()
        self.assertEqual((lead.stage_id, lead.probability), (self.won, 100.0))
        self.assertEqual(self.history(lead)[-1].stage_to_id, self.won)

    def test_a_lead_moved_to_another_team_enters_its_pipeline(self):
        lead = self.lead("P transfer", self.rep1, self.team_a, self.s2, 10,
                         self.fair, "2024-01-01 10:00:00")
        lead.write({"team_id": self.team_b.id, "user_id": self.rep3.id})
        self.assertEqual(lead.stage_id, self.t1)
        last = self.history(lead)[-1]
        self.assertEqual((last.stage_from_id, last.stage_to_id), (self.s2, self.t1))
        self.assertEqual((last.user_id, last.team_id), (self.rep3, self.team_b))


class TestReportingMenus(FunnelCase):

    def menu_ids(self, user):
        tree = self.env["ir.ui.menu"].sudo(user).load_menus(debug=False)
        found, todo = set(), list(tree["children"])
        while todo:
            node = todo.pop()
            found.add(node["id"])
            todo.extend(node["children"])
        return found

    def test_reps_and_analysts_open_the_funnel_and_lost_deals(self):
        menus = self.env.ref("crm_core.crm_funnel_report_menu") \
            | self.env.ref("crm_core.crm_lost_deal_report_menu")
        service = self.new_user("funnel_service",
                                ["base.group_user", "crm_core.group_service_agent"])
        for user in (self.rep1, self.leader, self.manager, self.analyst):
            self.assertLessEqual(set(menus.ids), self.menu_ids(user), user.login)
        self.assertFalse(set(menus.ids) & self.menu_ids(service))
        channels = self.env.ref("crm.sales_team_menu_report_crm")
        self.assertNotIn(channels.id, self.menu_ids(self.rep1))
        self.assertIn(channels.id, self.menu_ids(self.manager))
