"""CDR import: Asterisk's Master.csv into calls, chunk by chunk; importing the same
file again adds nothing; each bad row reported with its line and nothing
written for it; another PBX's column layout; the file's timezone; calls known
from the live events completed; supervisors only."""
import base64
import os

from odoo.exceptions import AccessError, UserError

from .acd_common import AcdCase

DATA = os.path.join(os.path.dirname(__file__), "data", "Master.csv")
BAD_LINES = [24, 73, 121, 164, 212, 261]


def master_csv():
    with open(DATA, "rb") as handle:
        return base64.b64encode(handle.read())


class TestCdrImport(AcdCase):

    @classmethod
    def setUpClass(cls):
        super(TestCdrImport, cls).setUpClass()
        Extension = cls.env["crm.callcenter.extension"]
        Extension.create({"number": "8001", "connection_id": cls.connection.id,
                          "agent_id": cls.agent1.id})
        Extension.create({"number": "8002", "connection_id": cls.connection.id,
                          "agent_id": cls.agent2.id})
        cls.queue_cdr = cls.env["crm.callcenter.queue"].create({
            "name": "CDR Support", "code": "support",
            "connection_id": cls.connection.id})
        cls.repeat_caller = cls.env["res.partner"].create({
            "name": "CDR Repeat Caller Co", "is_company": True,
            "mobile": "136 5555 0001"})

    def new_import(self, data=None, **vals):
        values = {"name": "CDR test", "connection_id": self.connection.id,
                  "file": data or master_csv(), "filename": "Master.csv"}
        values.update(vals)
        return self.env["crm.callcenter.cdr.import"].create(values)

    def run_import(self, job):
        job.action_start()
        chunks = 0
        while job._run_chunk_in(job.id):
            chunks += 1
        return chunks

    def calls(self):
        return self.env["crm.callcenter.call"].search(
            [("connection_id", "=", self.connection.id)])

    def test_import_master_csv(self):
        job = self.new_import(chunk_size=100)
        self.assertEqual(job.column_ids.mapped("field")[:3],
                         ["accountcode", "src", "dst"])
        self.assertEqual(self.run_import(job), 3)  # 4 chunks, the last one ends
        self.assertEqual(job.state, "done")
        self.assertEqual((job.rows_total, job.rows_done, job.rows_created,
                          job.rows_error, job.progress), (306, 306, 300, 6, 100.0))
        self.assertEqual(job.error_ids.mapped("line"), BAD_LINES)
        self.assertIn("disposition: 'HUNG UP'", job.error_ids[3].message)
        self.assertEqual(len(self.calls()), 300)
        # nothing of the bad rows
        Call = self.env["crm.callcenter.call"]
        self.assertFalse(Call.search([("caller_number", "like", "1391111")]))
        first = Call.search([("pbx_call_id", "=", "1732237204.1"),
                             ("connection_id", "=", self.connection.id)])
        self.assertEqual((first.start_date, first.answer_date, first.end_date),
                         ("2024-11-22 00:31:00", "2024-11-22 00:31:59",
                          "2024-11-22 00:32:46"))
        self.assertEqual((first.wait_seconds, first.talk_seconds), (59, 47))
        self.assertEqual((first.direction, first.disposition), ("inbound", "answered"))
        self.assertEqual((first.queue, first.customer_number),
                         ("sales", "+8615213834484"))
        self.assertEqual((first.extension, first.agent_id, first.user_id),
                         ("8001", self.agent1, self.user1))
        self.assertEqual(first.company_id, self.connection.company_id)
        outbound = Call.search([("connection_id", "=", self.connection.id),
                                ("direction", "=", "outbound")])
        self.assertTrue(outbound)
        self.assertTrue(all(c.caller_number in ("8001", "8002") for c in outbound))
        self.assertEqual(set(outbound.mapped("agent_id")), {self.agent1, self.agent2})
        support = Call.search([("queue", "=", "support"),
                               ("connection_id", "=", self.connection.id)])
        self.assertEqual(support.mapped("queue_id"), self.queue_cdr)
        self.assertTrue(Call.search([("disposition", "=", "abandoned"),
                                     ("connection_id", "=", self.connection.id)]))
        # the customer calling from 136 5555 0001 is recognised
        repeat = Call.search([("customer_number", "=", "+8613655550001"),
                              ("connection_id", "=", self.connection.id)])
        self.assertTrue(repeat)
        self.assertEqual(repeat.mapped("partner_id"), self.repeat_caller)

    def test_import_again_adds_nothing(self):
        self.run_import(self.new_import())
        before = len(self.calls())
        again = self.new_import()
        self.run_import(again)
        self.assertEqual((again.rows_created, again.rows_updated, again.rows_skipped,
                          again.rows_error), (0, 0, 300, 6))
        self.assertEqual(len(self.calls()), before)
        # the rows without uniqueid are known by start, caller and called number
        self.assertEqual(len(self.calls().filtered(
            lambda c: c.pbx_call_id.startswith("cdr:"))), 8)

    def test_completes_a_call_known_from_events(self):
        live = self.call("1732237204.1", "+8615213834484",
                         start_date="2024-11-22 00:31:00")
        job = self.new_import()
        self.run_import(job)
        self.assertEqual((job.rows_created, job.rows_updated), (299, 1))
        self.assertEqual((live.disposition, live.talk_seconds, live.end_date),
                         ("answered", 47, "2024-11-22 00:32:46"))

    def test_custom_columns_and_timezone(self):
        data = base64.b64encode((
            "id-1;8001;13655550777;2024-11-22 09:00:00;2024-11-22 09:02:00;"
            "ANSWERED;110\n"
            "id-2;13655550778;8002;2024-11-22 09:05:00;2024-11-22 09:05:20;"
            "NO ANSWER;0\n").replace(";", ",").encode("gb18030"))
        layout = ["uniqueid", "src", "dst", "start", "end", "disposition",
                  "billsec"]
        for timezone, start in (("UTC", "2024-11-22 09:00:00"),
                                ("Asia/Shanghai", "2024-11-22 01:00:00")):
            job = self.new_import(data, timezone=timezone)
            job.column_ids.unlink()
            job.write({"column_ids": [(0, 0, {"sequence": n, "field": name})
                                      for n, name in enumerate(layout)]})
            self.run_import(job)
            self.assertEqual((job.rows_created, job.rows_error), (2, 0))
            call = self.env["crm.callcenter.call"].search(
                [("pbx_call_id", "=", "id-1")])
            self.assertEqual(call.start_date, start)
            self.assertEqual((call.direction, call.talk_seconds, call.wait_seconds),
                             ("outbound", 110, 10))
            missed = self.env["crm.callcenter.call"].search(
                [("pbx_call_id", "=", "id-2")])
            self.assertEqual((missed.direction, missed.disposition,
                              missed.agent_id), ("inbound", "no_answer", self.agent2))
            (call | missed).unlink()

    def test_checks_before_starting(self):
        job = self.new_import()
        job.column_ids.filtered(lambda c: c.field == "start").field = False
        with self.assertRaisesRegex(UserError, "no column holds start"):
            job.action_start()
        empty = self.new_import(base64.b64encode(b"\n\n"))
        with self.assertRaisesRegex(UserError, "no rows"):
            empty.action_start()
        job.action_reset_columns()
        job.action_start()
        with self.assertRaises(UserError):
            job.write({"timezone": "UTC"})

    def test_default_timezone_is_the_connections(self):
        job = self.new_import()
        with self.env.do_in_onchange():
            job.timezone = False
            job._onchange_connection_id()
            self.assertEqual(job.timezone, "Asia/Shanghai")

    def test_supervisors_only(self):
        Import = self.env["crm.callcenter.cdr.import"]
        with self.assertRaises(AccessError):
            Import.sudo(self.user1).search([])
        with self.assertRaises(AccessError):
            Import.sudo(self.user1).create({
                "connection_id": self.connection.id, "file": master_csv()})
        job = Import.sudo(self.supervisor).create({
            "connection_id": self.connection.id, "file": master_csv(),
            "chunk_size": 500})
        self.run_import(job)
        self.assertEqual(job.rows_created, 300)
