"""Reading, mapping, validating and de-duplicating import rows (no database)."""
import io
import unittest

import xlwt

from ..lib.customer_import import (ImportFileError, check_rows, guess_mapping,
                                   message, read_table)


def errors(row):
    return [message(error) for error in row["errors"]]


def xls_bytes(rows):
    book = xlwt.Workbook()
    sheet = book.add_sheet("客户")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TestReadTable(unittest.TestCase):

    def test_csv_utf8_with_bom(self):
        content = "客户名称,手机\n上海华腾,138-0013-8000\n".encode("utf-8-sig")
        headers, rows = read_table("客户.csv", content)
        self.assertEqual(headers, ["客户名称", "手机"])
        self.assertEqual(rows, [["上海华腾", "138-0013-8000"]])

    def test_csv_gb18030_as_excel_in_china_saves_it(self):
        content = "客户名称,城市\n杭州绿源,杭州\n".encode("gb18030")
        self.assertEqual(read_table("a.CSV", content)[1], [["杭州绿源", "杭州"]])

    def test_xls_numbers_become_text(self):
        content = xls_bytes([["Name", "Mobile"], ["Acme", 13800138000.0]])
        self.assertEqual(read_table("a.xls", content)[1], [["Acme", "13800138000"]])

    def test_unsupported_type_is_named(self):
        with self.assertRaisesRegex(ImportFileError, "'.pdf'"):
            read_table("list.pdf", b"%PDF")

    def test_broken_spreadsheet_is_reported(self):
        with self.assertRaisesRegex(ImportFileError, "cannot be read"):
            read_table("a.xlsx", b"not a zip")

    def test_empty_and_header_only_files(self):
        with self.assertRaisesRegex(ImportFileError, "empty"):
            read_table("a.csv", b"\n\n")
        with self.assertRaisesRegex(ImportFileError, "no data"):
            read_table("a.csv", b"name,phone\n")


class TestMapping(unittest.TestCase):

    def test_chinese_english_and_bilingual_headers(self):
        mapping = guess_mapping(["客户名称 Name", "Mobile", "电子邮件", "备注:",
                                 "Unknown"])
        self.assertEqual(mapping, {0: "name", 1: "mobile", 2: "email", 3: "note"})

    def test_first_column_wins(self):
        self.assertEqual(guess_mapping(["名称", "公司名称"]), {0: "name"})


class TestCheckRows(unittest.TestCase):

    headers = ["客户名称", "电话", "手机", "邮箱"]

    def test_good_rows_are_normalized(self):
        rows = [["上海华腾机械有限公司", "(021) 6888 1234", "+86 138 0013 8000",
                 "Info@HuaTeng.CN"]]
        [row] = check_rows(self.headers, rows)
        self.assertEqual(errors(row), [])
        self.assertEqual(row["row"], 2)
        self.assertEqual(row["values"]["phone"], "+862168881234")
        self.assertEqual(row["values"]["mobile"], "+8613800138000")
        self.assertEqual(row["values"]["email"], "info@huateng.cn")
        self.assertIn(("phone", "+8613800138000"), row["keys"])

    def test_bad_rows_name_row_and_reason(self):
        rows = [["", "", "", ""], ["Acme", "abc", "", "not-an-email"]]
        first, second = check_rows(self.headers, rows)
        self.assertEqual((first["row"], errors(first)), (2, ["name is required"]))
        self.assertEqual(second["row"], 3)
        self.assertEqual(errors(second), ["phone 'abc' is not a phone number",
                                          "email 'not-an-email' is not an e-mail "
                                          "address"])

    def test_duplicates_inside_the_file(self):
        rows = [["华腾机械有限公司", "", "13800138000", ""],
                ["Other Co", "", "+86 138-0013-8000", ""],
                ["华腾机械 有限公司", "", "", ""]]
        result = check_rows(self.headers, rows)
        self.assertEqual(errors(result[0]), [])
        self.assertEqual(errors(result[1]), ["same phone as row 2"])
        self.assertEqual(errors(result[2]), ["same name as row 2"])

    def test_a_name_column_is_required(self):
        with self.assertRaisesRegex(ImportFileError, "customer name"):
            check_rows(["Phone"], [["13800138000"]])


class TestLeadRows(unittest.TestCase):

    headers = ["线索名称", "客户名称", "联系人", "手机", "预计金额", "来源"]

    def test_lead_headers_map_to_lead_fields(self):
        self.assertEqual(guess_mapping(self.headers, "lead"),
                         {0: "name", 1: "partner_name", 2: "contact_name",
                          3: "mobile", 4: "expected_revenue", 5: "source"})
        self.assertEqual(guess_mapping(["客户名称"]), {0: "name"},
                         "the same header names the customer in a customer import")

    def test_title_defaults_to_company_then_contact(self):
        rows = [["", "苏州精密", "赵磊", "", "", ""], ["", "", "赵磊", "", "", ""],
                ["", "", "", "13912345678", "", ""]]
        first, second, third = check_rows(self.headers, rows, kind="lead")
        self.assertEqual(first["values"]["name"], "苏州精密")
        self.assertEqual(second["values"]["name"], "赵磊")
        self.assertEqual(errors(third), ["a title, company or contact is required"])

    def test_amounts_as_people_type_them(self):
        rows = [["A", "", "", "", "12.5万", ""], ["B", "", "", "", "￥8,000", ""],
                ["C", "", "", "", "lots", ""]]
        first, second, third = check_rows(self.headers, rows, kind="lead")
        self.assertEqual(first["values"]["expected_revenue"], 125000.0)
        self.assertEqual(second["values"]["expected_revenue"], 8000.0)
        self.assertEqual(errors(third), ["expected revenue 'lots' is not a number"])

    def test_leads_of_one_company_are_not_duplicates_but_same_phones_are(self):
        rows = [["Lathe", "华腾", "", "13800138000", "", ""],
                ["Mill", "华腾", "", "", "", ""],
                ["Drill", "Other", "", "138 0013 8000", "", ""]]
        result = check_rows(self.headers, rows, kind="lead")
        self.assertEqual([errors(r) for r in result],
                         [[], [], ["same phone as row 2"]])

    def test_a_mapping_must_fit_the_kind(self):
        with self.assertRaisesRegex(ImportFileError, "no column level"):
            check_rows(["名称", "等级"], [["A", "B"]], {0: "name", 1: "level"},
                       kind="lead")
        with self.assertRaisesRegex(ImportFileError, "lead title, company or"):
            check_rows(["手机"], [["13800138000"]], kind="lead")
