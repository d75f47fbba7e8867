import io

import xlsxwriter

from odoo import http
from odoo.http import request

from ..lib.customer_import import TEMPLATE_HEADERS


class CrmCoreController(http.Controller):

    @http.route("/crm_core/import_template.xlsx", type="http", auth="user")
    def import_template(self, **kwargs):
        """The customer import template (导出模板): the columns the import reads,
        in Chinese and English, with one example row."""
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet("Customers")
        bold = book.add_format({"bold": True})
        example = ["上海示例贸易有限公司", "王芳", "采购经理", "021-6888 1234",
                   "138 0013 8000", "wang.fang@example.cn", "浦东新区张江路 88 号",
                   "上海", "www.example.cn", "A", "Trade fair", "", "展会名片"]
        for col, header in enumerate(TEMPLATE_HEADERS):
            sheet.write(0, col, header, bold)
            sheet.write(1, col, example[col])
            sheet.set_column(col, col, 18)
        book.close()
        return request.make_response(out.getvalue(), headers=[
            ("Content-Type",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("Content-Disposition",
             "attachment; filename=customer_import_template.xlsx"),
        ])
