import io

import xlsxwriter

from odoo import http
from odoo.http import request

from ..lib.customer_import import TEMPLATES


EXAMPLES = {
    "customer": ["上海示例贸易有限公司", "王芳", "采购经理", "021-6888 1234",
                 "138 0013 8000", "wang.fang@example.cn", "浦东新区张江路 88 号",
                 "上海", "www.example.cn", "A", "Trade fair", "", "展会名片"],
    "lead": ["数控机床询价", "苏州示例精密机械有限公司", "赵磊", "设备部经理",
             "0512-6588 1234", "139 1234 5678", "zhao.lei@example.cn",
             "工业园区星湖街 328 号", "苏州", "www.example.cn", "展会", "12.5万", "",
             "展会上留的名片"],
}


class CrmCoreController(http.Controller):

    @http.route("/crm_core/import_template.xlsx", type="http", auth="user")
    def import_template(self, kind="customer", **kwargs):
        """The import template (导出模板) of customers or, with ``kind=lead``, of
        leads: the columns the import reads, in Chinese and English, with one
        example row."""
        kind = kind if kind in TEMPLATES else "customer"
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet("Leads" if kind == "lead" else "Customers")
        bold = book.add_format({"bold": True})
        for col, header in enumerate(TEMPLATES[kind]):
            sheet.write(0, col, header, bold)
            sheet.write(1, col, EXAMPLES[kind][col])
            sheet.set_column(col, col, 18)
        book.close()
        return request.make_response(out.getvalue(), headers=[
            ("Content-Type",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("Content-Disposition",
             "attachment; filename=%s_import_template.xlsx" % kind),
        ])
