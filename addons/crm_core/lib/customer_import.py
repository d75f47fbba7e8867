"""Read, map, validate and de-duplicate customer or lead rows from .xlsx/.xls/.csv
files.

Pure functions, no ORM (see lib/): the import wizard feeds them a file and writes
what they accept. A file is all or nothing per row: a row with an error is reported
with its number and reason and is never written.
"""
import csv
import io
import os
import re

import xlrd

from .phone import normalize_company_name, normalize_email, normalize_phone
from .rpc_values import float_problem


def _(text):
    """Mark a message for translation (Odoo exports it); the ORM side translates
    the message and fills its parameters: see :func:`message`."""
    return text


def message(error):
    """An error as English text: (template, params) -> str."""
    template, params = error
    return template % params


# Canonical columns and the headers people use for them (English and Chinese).
COLUMNS = {
    "name": ("name", "customer", "customer name", "company", "company name",
             "客户名称", "客户", "公司名称", "公司", "名称", "姓名"),
    "contact_name": ("contact", "contact name", "联系人", "联系人姓名"),
    "function": ("job position", "title", "function", "职位", "职务"),
    "phone": ("phone", "telephone", "tel", "电话", "座机", "固定电话", "联系电话"),
    "mobile": ("mobile", "cell", "cellphone", "手机", "手机号", "手机号码"),
    "email": ("email", "e-mail", "mail", "邮箱", "电子邮件", "电子邮箱"),
    "street": ("street", "address", "地址", "详细地址"),
    "city": ("city", "城市"),
    "website": ("website", "web", "网址", "网站"),
    "level": ("level", "customer level", "grade", "客户等级", "等级", "级别"),
    "source": ("source", "customer source", "客户来源", "来源"),
    "owner": ("owner", "salesperson", "负责人", "销售员", "业务员"),
    "note": ("note", "notes", "comment", "备注", "说明"),
}
# Lead columns: the same contact columns, a title, the company, revenue and source.
LEAD_COLUMNS = dict(
    {key: names for key, names in COLUMNS.items()
     if key not in ("name", "level", "source")},
    name=("title", "lead", "lead title", "subject", "opportunity", "线索名称",
          "线索", "主题", "商机名称", "商机"),
    partner_name=("company", "company name", "customer", "customer name",
                  "公司名称", "公司", "客户名称", "客户", "单位"),
    source=("source", "lead source", "线索来源", "来源", "渠道"),
    expected_revenue=("expected revenue", "revenue", "amount", "预计金额",
                      "预计收入", "金额"),
)
KINDS = {"customer": COLUMNS, "lead": LEAD_COLUMNS}
TEMPLATE_HEADERS = ["客户名称 Name", "联系人 Contact", "职位 Job Position",
                    "电话 Phone", "手机 Mobile", "邮箱 Email", "地址 Street",
                    "城市 City", "网址 Website", "客户等级 Level", "客户来源 Source",
                    "负责人 Owner", "备注 Note"]
LEAD_TEMPLATE_HEADERS = ["线索名称 Title", "公司名称 Company", "联系人 Contact",
                         "职位 Job Position", "电话 Phone", "手机 Mobile",
                         "邮箱 Email", "地址 Street", "城市 City", "网址 Website",
                         "线索来源 Source", "预计金额 Expected Revenue",
                         "负责人 Owner", "备注 Note"]
TEMPLATES = {"customer": TEMPLATE_HEADERS, "lead": LEAD_TEMPLATE_HEADERS}
EXTENSIONS = (".xlsx", ".xls", ".csv")


class ImportFileError(ValueError):
    """The file as a whole cannot be read; ``template`` and ``params`` name why."""

    def __init__(self, template, params=None):
        self.template, self.params = template, params or {}
        super(ImportFileError, self).__init__(template % self.params)


def _cell(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # spreadsheets store phone numbers as numbers
    return str(value).strip() if value is not None else ""


def read_table(filename, content):
    """Return (headers, rows) of the first sheet of an .xlsx, .xls or .csv file;
    every cell as stripped text. CSV may be UTF-8 (with or without BOM) or GB18030
    (what Excel in China saves)."""
    ext = os.path.splitext(filename or "")[1].lower()
    if ext not in EXTENSIONS:
        raise ImportFileError(_("unsupported file type %(type)r: use .xlsx, .xls or "
                                ".csv"), {"type": ext or filename})
    if ext == ".csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(_("the CSV file is neither UTF-8 nor GB18030 text"))
        try:
            table = [[_cell(c) for c in row]
                     for row in csv.reader(io.StringIO(text))]
        except csv.Error as error:  # a NUL byte, a cell over the csv module's limit
            raise ImportFileError(_("the spreadsheet cannot be read: %(error)s"),
                                  {"error": error})
    else:
        try:
            book = xlrd.open_workbook(file_contents=content)
        except Exception as error:  # xlrd raises many kinds for a broken file
            raise ImportFileError(_("the spreadsheet cannot be read: %(error)s"),
                                  {"error": error})
        sheet = book.sheet_by_index(0)
        table = [[_cell(c) for c in sheet.row_values(r)] for r in range(sheet.nrows)]
    table = [row for row in table if any(row)]
    if not table:
        raise ImportFileError(_("the file is empty"))
    headers, rows = table[0], table[1:]
    if not rows:
        raise ImportFileError(_("the file has a header row but no data"))
    return headers, rows


def _header_key(header):
    return re.sub(r"[\s_:：*]+", " ", header).strip().casefold()


def guess_mapping(headers, kind="customer"):
    """{column index: canonical key} for the headers we recognize for ``kind``
    ("customer" or "lead"). A header may carry both languages ("客户名称 Name"); each
    key is used once, first column wins."""
    aliases = {}
    for key, names in KINDS[kind].items():
        for name in names:
            aliases[_header_key(name)] = key
    mapping, used = {}, set()
    for index, header in enumerate(headers):
        text = _header_key(header)
        candidates = [text] + text.split(" ")
        for candidate in candidates:
            key = aliases.get(candidate)
            if key and key not in used:
                mapping[index] = key
                used.add(key)
                break
    return mapping


def _amount(text):
    """A number as people type it: "12,500", "￥8000", "3.5万" (ten thousands).
    Raises ValueError for text that is none, and for "nan", "inf" and amounts
    beyond rpc_values.FLOAT_LIMIT (the import writes them to a numeric column)."""
    text = text.replace(",", "").replace("，", "").replace(" ", "")
    text = text.lstrip("¥￥$").rstrip("元")
    factor = 1
    if text.endswith("万"):
        text, factor = text[:-1], 10000
    amount = float(text) * factor
    if float_problem(amount):
        raise ValueError("%r is not an amount" % text)
    return amount


def validate_row(values, region="CN", kind="customer"):
    """Clean one row ({key: text}); return (clean, errors). Phones become E.164,
    e-mails lower case; an error, (template, params), names the column and the
    value. A lead without a title takes its company's or its contact's name."""
    clean, errors = {}, []
    for key, value in values.items():
        if value:
            clean[key] = value
    if kind == "lead" and not clean.get("name"):
        title = clean.get("partner_name") or clean.get("contact_name")
        if title:
            clean["name"] = title
    if not clean.get("name"):
        errors.append((_("name is required") if kind == "customer" else
                       _("a title, company or contact is required"), {}))
    invalid = {"phone": _("phone %(value)r is not a phone number"),
               "mobile": _("mobile %(value)r is not a phone number")}
    for key in ("phone", "mobile"):
        if clean.get(key):
            e164 = normalize_phone(clean[key], region)
            if not e164:
                errors.append((invalid[key], {"value": clean[key]}))
            else:
                clean[key] = e164
    if clean.get("email"):
        email = normalize_email(clean["email"])
        if not email:
            errors.append((_("email %(value)r is not an e-mail address"),
                           {"value": clean["email"]}))
        else:
            clean["email"] = email
    if clean.get("expected_revenue"):
        try:
            clean["expected_revenue"] = _amount(clean["expected_revenue"])
        except ValueError:
            errors.append((_("expected revenue %(value)r is not a number"),
                           {"value": clean["expected_revenue"]}))
    return clean, errors


def dedupe_keys(clean, kind="customer"):
    """The keys by which a row matches an existing record or another row: phones,
    e-mail and, for customers, the company name (a company has many leads)."""
    keys = set()
    for key in ("phone", "mobile"):
        if clean.get(key):
            keys.add(("phone", clean[key]))
    if clean.get("email"):
        keys.add(("email", clean["email"]))
    name = normalize_company_name(clean.get("name")) if kind == "customer" else None
    if name:
        keys.add(("name", name))
    return keys


def company_keys(clean):
    """The keys by which a lead row finds its existing customer."""
    keys = dedupe_keys(clean, "lead")
    name = normalize_company_name(clean.get("partner_name"))
    if name:
        keys.add(("name", name))
    return keys


def check_rows(headers, rows, mapping=None, region="CN", kind="customer"):
    """Validate every row. Returns a list of dicts, one per data row:
    {"row": spreadsheet row number, "values": clean values, "keys": dedupe keys,
     "errors": [(template, params)]}; a row repeating an earlier row of the file
    (same phone, e-mail or company name) is an error naming that row."""
    mapping = mapping if mapping is not None else guess_mapping(headers, kind)
    unknown = sorted(set(mapping.values()) - set(KINDS[kind]))
    if unknown:
        raise ImportFileError(_("an import of this kind has no column %(keys)s"),
                              {"keys": ", ".join(unknown)})
    if kind == "customer" and "name" not in mapping.values():
        raise ImportFileError(_("no column is mapped to the customer name"))
    if kind == "lead" and not {"name", "partner_name", "contact_name"} & set(
            mapping.values()):
        raise ImportFileError(_("no column is mapped to the lead title, company or "
                                "contact"))
    same = {"phone": _("same phone as row %(row)d"),
            "email": _("same e-mail as row %(row)d"),
            "name": _("same name as row %(row)d")}
    seen, result = {}, []
    for offset, row in enumerate(rows):
        number = offset + 2  # 1-based, after the header row
        values = {key: row[index] if index < len(row) else ""
                  for index, key in mapping.items()}
        clean, errors = validate_row(values, region, kind)
        keys = dedupe_keys(clean, kind)
        for key in sorted(keys):
            if key in seen:
                errors.append((same[key[0]], {"row": seen[key]}))
                break
        for key in keys:
            seen.setdefault(key, number)
        result.append({"row": number, "values": clean, "keys": keys,
                       "errors": errors})
    return result
