"""Customer import: the dry run reports bad rows by number and reason and writes
nothing; good rows are written in chunks; duplicates follow the chosen policy; a
failed chunk stops the job where it was and a resume continues without repeats."""
import base64

from odoo.exceptions import AccessError, UserError

from .test_pool import PoolCase


def csv_file(lines):
    return base64.b64encode("\n".join(lines).encode("utf-8-sig"))


HEADER = "客户名称,联系人,手机,邮箱,客户等级,负责人"


class TestImport(PoolCase):

    def job(self, lines, user=None, **vals):
        values = {"file": csv_file(lines), "filename": "customers.csv",
                  "chunk_size": 2}
        values.update(vals)
        return self.env["crm.import.job"].sudo(user or self.rep1).create(values)

    def run_all(self, job):
        while self.env["crm.import.job"]._run_chunk_in(job.id):
            pass

    def imported(self, name):
        return self.env["res.partner"].search([("name", "=", name)])

    def test_dry_run_reports_bad_rows_and_writes_nothing(self):
        job = self.job([HEADER,
                        "导入甲有限公司,张三,138 0013 8001,a@import.cn,A,",
                        ",李四,138 0013 8002,,,",
                        "导入乙有限公司,,12,b@import,,"])
        before = self.env["res.partner"].search_count([])
        job.action_check()
        self.assertEqual(self.env["res.partner"].search_count([]), before)
        self.assertEqual((job.rows_total, job.rows_error, job.rows_to_create),
                         (3, 2, 1))
        self.assertIn("row 3: name is required", job.error_report)
        self.assertIn("row 4: mobile '12' is not a phone number; email 'b@import' "
                      "is not an e-mail address", job.error_report)

    def test_good_rows_are_written_in_chunks(self):
        job = self.job([HEADER,
                        "导入丙有限公司,王五,139 1111 0001,c@import.cn,A - Key account,",
                        "导入丁有限公司,,139 1111 0002,d@import.cn,B,",
                        "导入戊有限公司,赵六,139 1111 0003,,,"])
        job.action_check()
        job.action_start()
        self.assertEqual(job.state, "queued")
        running = self.env["crm.import.job"]._run_chunk_in(job.id)
        self.assertTrue(running, job.message)
        self.assertEqual((job.state, job.rows_done), ("running", 2))
        self.assertAlmostEqual(job.progress, 200.0 / 3)
        self.run_all(job)
        self.assertEqual((job.state, job.rows_done), ("done", 3))
        company = self.imported("导入丙有限公司")
        self.assertEqual(company.user_id, self.rep1, "a rep's import is theirs")
        self.assertEqual(company.pool_state, "owned")
        self.assertEqual(company.customer_level_id,
                         self.env.ref("crm_core.dictionary_customer_level_a"))
        self.assertEqual(company.mobile_sanitized, "+8613911110001")
        self.assertEqual(company.commercial_partner_id, company)
        self.assertEqual(company.scope_user_id, self.rep1)
        self.assertTrue(company.customer_code)
        self.assertEqual(company.name_key, "导入丙")
        self.assertTrue(company.partner_share)
        contact = company.child_ids
        self.assertEqual(contact.name, "王五")
        self.assertEqual(contact.commercial_company_name, "导入丙有限公司")
        self.assertEqual(contact.commercial_partner_id, company)
        self.assertEqual(contact.display_name, "导入丙有限公司, 王五")
        self.assertEqual(contact.scope_user_id, self.rep1)
        self.assertIn(company, self.env["res.partner"].sudo(self.rep1).search(
            [("name", "like", "导入")]))

    def test_duplicates_skip_update_or_create(self):
        existing = self.customer("导入己有限公司", owner=self.rep1,
                                 mobile="139 2222 0001")
        lines = [HEADER, "导入己 有限公司,,,new@import.cn,,"]
        skip = self.job(lines)
        skip.action_check()
        self.assertEqual((skip.rows_to_skip, skip.rows_to_create), (1, 0))
        with self.assertRaisesRegex(UserError, "Nothing to import"):
            skip.action_start()
        update = self.job(lines, duplicate_policy="update")
        update.action_check()
        update.action_start()
        self.run_all(update)
        self.assertEqual(existing.email, "new@import.cn")
        create = self.job(lines, duplicate_policy="create")
        create.action_check()
        create.action_start()
        self.run_all(create)
        self.assertEqual(len(self.imported("导入己 有限公司")), 1)

    def test_failed_chunk_stops_and_resume_continues(self):
        job = self.job([HEADER, "导入庚有限公司,,,,,", "导入辛有限公司,,,,,",
                        "导入壬有限公司,,,,,"])
        job.action_check()
        job.action_start()
        self.env["crm.import.job"]._run_chunk_in(job.id)
        job = job.sudo()
        # the second chunk fails: the importing user lost the right to create
        # customers meanwhile; nothing of that chunk is written
        self.rep1.write({"groups_id": [(3, self.env.ref(
            "sales_team.group_sale_salesman").id)]})
        self.assertFalse(self.env["crm.import.job"]._run_chunk_in(job.id))
        self.assertEqual(job.state, "failed")
        self.assertIn("Stopped at row 4", job.message)
        self.assertFalse(self.imported("导入壬有限公司"))
        self.rep1.write({"groups_id": [(4, self.env.ref(
            "sales_team.group_sale_salesman").id)]})
        job.action_resume()
        self.run_all(job)
        self.assertEqual(job.state, "done")
        for name in ("导入庚有限公司", "导入辛有限公司", "导入壬有限公司"):
            self.assertEqual(len(self.imported(name)), 1, name)

    def test_reps_import_only_for_themselves(self):
        job = self.job([HEADER, "导入癸有限公司,,,,,%s" % self.rep2.login])
        job.action_check()
        self.assertIn("only managers import customers for others", job.error_report)

    def test_unsupported_file_is_refused_clearly(self):
        job = self.job([HEADER], filename="customers.pdf")
        with self.assertRaisesRegex(UserError, "unsupported file type"):
            job.action_check()

    def test_imports_are_private_to_their_author(self):
        job = self.job([HEADER, "导入子有限公司,,,,,"])
        with self.assertRaises(AccessError):
            job.sudo(self.rep2).read(["name"])

    # --- column mapping --------------------------------------------------------------

    def test_columns_are_guessed_and_can_be_corrected(self):
        job = self.job(["Firm,Tel,Remark", "导入丑有限公司,139 3333 0001,VIP"])
        job.action_read_columns()
        self.assertEqual(job.column_ids.mapped("header"), ["Firm", "Tel", "Remark"])
        self.assertEqual(job.column_ids.mapped("field"), [False, "phone", False])
        self.assertEqual(job.column_ids[0].sample, "导入丑有限公司")
        with self.assertRaisesRegex(UserError, "customer name"):
            job.action_check()
        job.column_ids[0].field = "name"
        job.column_ids[2].field = "note"
        job.action_check()
        self.assertEqual((job.rows_error, job.rows_to_create), (0, 1))
        job.action_start()
        self.run_all(job)
        partner = self.imported("导入丑有限公司")
        self.assertEqual((partner.phone, partner.comment), ("+8613933330001", "VIP"))

    def test_two_columns_for_one_field_and_a_field_of_another_kind(self):
        job = self.job(["名称,手机,电话", "导入寅有限公司,139 3333 0002,"])
        job.action_read_columns()
        job.column_ids[2].field = "mobile"
        with self.assertRaisesRegex(UserError, "both fill Mobile"):
            job.action_check()
        job.column_ids[2].field = "expected_revenue"
        with self.assertRaisesRegex(UserError, "cannot fill Expected Revenue"):
            job.action_check()

    def test_a_new_file_reads_its_columns_again(self):
        job = self.job([HEADER, "导入卯有限公司,,,,,"])
        job.action_check()
        self.assertEqual(job.state, "checked")
        job.write({"file": csv_file(["名称", "导入辰有限公司"])})
        self.assertEqual((job.state, len(job.column_ids)), ("draft", 0))
        job.action_check()
        self.assertEqual(job.column_ids.mapped("header"), ["名称"])

    def test_columns_are_private_to_the_import_author(self):
        job = self.job([HEADER, "导入巳有限公司,,,,,"])
        job.action_read_columns()
        Column = self.env["crm.import.job.column"]
        self.assertEqual(Column.sudo(self.rep1).search([("job_id", "=", job.id)]),
                         job.column_ids)
        self.assertFalse(Column.sudo(self.rep2).search([("job_id", "=", job.id)]))
        with self.assertRaises(AccessError):
            job.column_ids[0].sudo(self.rep2).write({"field": "note"})

    # --- leads -----------------------------------------------------------------------

    def lead_job(self, lines, user=None, **vals):
        return self.job(lines, user=user, kind="lead", filename="leads.csv", **vals)

    def test_leads_are_imported_linked_and_deduplicated(self):
        customer = self.customer("导入华腾机械有限公司", owner=self.rep1)
        existing = self.env["crm.lead"].create(
            {"name": "Old lead", "mobile": "139 4444 0009", "user_id": self.rep1.id})
        job = self.lead_job([
            "线索名称,公司名称,联系人,手机,邮箱,预计金额,线索来源",
            "机床询价,导入华腾机械 有限公司,王工,139 4444 0001,,12.5万,导入展会",
            ",导入新锐科技,李工,139 4444 0002,li@xinrui.cn,8000,导入展会",
            "重复线索,,,139-4444-0009,,,",
            "坏行,,,12,,many,"])
        job.action_check()
        self.assertEqual((job.rows_total, job.rows_error, job.rows_to_create,
                          job.rows_to_skip), (4, 1, 2, 1))
        self.assertIn("row 5: mobile '12' is not a phone number; expected revenue "
                      "'many' is not a number", job.error_report)
        job.action_start()
        self.run_all(job)
        self.assertEqual((job.state, job.rows_done), ("done", 2))
        Lead = self.env["crm.lead"]
        lathe = Lead.search([("name", "=", "机床询价")])
        self.assertEqual(lathe.partner_id, customer, "linked by company name")
        self.assertEqual((lathe.user_id, lathe.team_id), (self.rep1, self.team))
        self.assertEqual(lathe.planned_revenue, 125000.0)
        self.assertEqual(lathe.mobile_sanitized, "+8613944440001")
        self.assertEqual(lathe.source_id.name, "导入展会")
        self.assertTrue(lathe.stage_id)
        self.assertEqual(lathe.day_open, 0.0)
        self.assertEqual(lathe.message_partner_ids, self.rep1.partner_id,
                         "the salesperson follows the lead")
        self.assertTrue(lathe.message_follower_ids.subtype_ids)
        xinrui = Lead.search([("partner_name", "=", "导入新锐科技")])
        self.assertEqual(xinrui.name, "导入新锐科技", "title from the company")
        self.assertFalse(xinrui.partner_id)
        self.assertEqual(xinrui.source_id, lathe.source_id, "one source per name")
        self.assertEqual(Lead.search_count([("mobile_sanitized", "=",
                                             "+8613944440009")]), 1)
        self.assertIn(lathe, Lead.sudo(self.rep1).search([("id", "=", lathe.id)]))
        self.assertFalse(Lead.sudo(self.rep2).search([("id", "=", lathe.id)]))
        del existing

    def test_lead_duplicates_can_be_updated(self):
        existing = self.env["crm.lead"].create(
            {"name": "Old lead", "email_from": "Old@Lead.cn",
             "user_id": self.rep1.id})
        job = self.lead_job(["主题,邮箱,预计金额", "Again,old@lead.cn,3000"],
                            duplicate_policy="update")
        job.action_check()
        self.assertEqual(job.rows_to_update, 1)
        job.action_start()
        self.run_all(job)
        self.assertEqual(existing.planned_revenue, 3000.0)

    def test_reps_import_leads_only_for_themselves(self):
        job = self.lead_job(["线索名称,负责人", "他人线索,%s" % self.rep2.login])
        job.action_check()
        self.assertIn("only managers import customers for others", job.error_report)
        manager = self.new_user("import_manager", ["base.group_user",
                                                   "sales_team.group_sale_manager"])
        job = self.lead_job(["线索名称,负责人", "分配线索,%s" % self.rep2.login],
                            user=manager)
        job.action_check()
        job.action_start()
        self.run_all(job)
        lead = self.env["crm.lead"].search([("name", "=", "分配线索")])
        self.assertEqual((lead.user_id, lead.create_uid), (self.rep2, manager))
