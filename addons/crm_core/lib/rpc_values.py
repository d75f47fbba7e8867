"""Is a value a client sends acceptable for a field of a given type? Pure functions,
no ORM (see STYLE.md, lib/); ``models/base_input.py`` applies them to every
``create``, ``write``, ``copy`` and ``onchange`` a client calls (issue 13).

Odoo 11 takes what a client sends to the database driver as it is: a NUL byte, a
string in a number field, ``1e308`` in an amount, an unknown selection key or a 9 KB
name in an indexed column end as a traceback (or, for a selection, as a silently
stored value no form can show). Each check here returns ``None`` for an acceptable
value, or a problem: ``(kind, detail)`` with ``kind`` one of ``PROBLEMS``.
"""
import base64
import binascii
import io
import math
import re
from datetime import datetime

from PIL import Image

PROBLEMS = ("nul", "text", "number", "integer", "range", "long", "choice", "date",
            "datetime", "record", "records", "commands", "binary", "nested",
            "required", "image")
# PostgreSQL int4, Odoo's integer column
INT_MIN, INT_MAX = -2 ** 31, 2 ** 31 - 1
# amounts, quantities and rates beyond this are typing errors or attacks, and their
# products overflow the numeric columns Odoo computes into
FLOAT_LIMIT = 1e15
# characters: an indexed column's btree entry holds at most ~2,700 bytes (3 bytes a
# character in UTF-8 for Chinese), an unindexed Char has no business being longer
INDEXED_CHAR_LIMIT = 800
CHAR_LIMIT = 4000
TEXT_LIMIT = 1000000
X2MANY_CODES = {0: 3, 1: 3, 2: 2, 3: 2, 4: 2, 5: 1, 6: 3}
_DATE_RE = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}"
                      r"( [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?)?\Z")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def text_problem(value, limit):
    if value is False or value is None:
        return None
    if not isinstance(value, str):
        return ("text", type(value).__name__)
    if "\x00" in value:
        return ("nul", None)
    if len(value) > limit:
        return ("long", limit)
    return None


def integer_problem(value):
    if value is False or value is None:
        return None
    if isinstance(value, str):  # Odoo converts "12" as int() does
        try:
            value = int(value.strip())
        except ValueError:
            return ("integer", "str")
    if not _is_int(value):
        return ("integer", type(value).__name__)
    if not INT_MIN <= value <= INT_MAX:
        return ("range", INT_MAX)
    return None


def float_problem(value):
    if value is False or value is None:
        return None
    if isinstance(value, str):  # Odoo converts "12.5" as float() does
        try:
            value = float(value.strip())
        except ValueError:
            return ("number", "str")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ("number", type(value).__name__)
    if isinstance(value, float) and not math.isfinite(value) \
            or abs(value) > FLOAT_LIMIT:
        return ("range", FLOAT_LIMIT)
    return None


def selection_problem(value, keys):
    """``keys``: the field's selection keys."""
    if value is False or value is None:
        return None
    if value not in keys:
        return ("choice", ", ".join(str(key) for key in keys))
    return None


def date_problem(value, with_time):
    """Odoo parses the first 10 (date) or 19 (date and time, a date alone taken at
    midnight) characters and hands the whole text to PostgreSQL: the text must be
    ``YYYY-MM-DD`` with an optional ``HH:MM:SS[.ffffff]``, in ASCII digits (Python
    reads "２０２６" as a year, PostgreSQL does not)."""
    if value is False or value is None:
        return None
    kind = "datetime" if with_time else "date"
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return (kind, None)
    text = value[:19]
    if len(text) == 10:
        text += " 00:00:00"
    try:
        datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return (kind, None)
    return None


def many2one_problem(value):
    if value is False or value is None:
        return None
    if isinstance(value, (list, tuple)) and value:
        value = value[0]  # (id, name) as name_get gives it
    if not _is_int(value) or not 0 < value <= INT_MAX:
        return ("record", None)
    return None


def x2many_problem(value, nested_problem, ids=True):
    """A list of ids (``ids``: a many2many; a one2many's write takes commands
    only) or of Odoo's commands; ``nested_problem(vals)`` checks the values of a
    create or update command."""
    if value is False or value is None:
        return None
    if not isinstance(value, (list, tuple)):
        return ("commands", None)
    for command in value:
        if _is_int(command) and not ids:
            return ("commands", None)
        if _is_int(command):
            if not 0 < command <= INT_MAX:
                return ("records", None)
            continue
        if not isinstance(command, (list, tuple)) or not command \
                or not _is_int(command[0]) or command[0] not in X2MANY_CODES:
            return ("commands", None)
        code = command[0]
        if len(command) < X2MANY_CODES[code]:
            return ("commands", None)
        target = command[1] if len(command) > 1 else None
        if code in (1, 2, 3, 4) and not (_is_int(target) or isinstance(target, str)):
            return ("commands", None)
        if code in (0, 1):
            if not isinstance(command[2], dict):
                return ("commands", None)
            problem = nested_problem(command[2])
            if problem:
                return problem
        if code == 6:
            ids = command[2]
            if not isinstance(ids, (list, tuple)) or not all(
                    _is_int(i) and 0 < i <= INT_MAX for i in ids):
                return ("records", None)
    return None


def binary_problem(value):
    if value is False or value is None:
        return None
    if not isinstance(value, (str, bytes)):
        return ("binary", None)
    return None


def normalized(kind, value):
    """An acceptable ``value`` of a field of type ``kind`` in the type the field
    holds (what Odoo's field would convert it to), for the model's own code:
    an empty number (None, False) is the 0 Odoo stores."""
    if kind in ("float", "monetary", "integer") and (value is None or value is False):
        return 0.0 if kind != "integer" else 0
    if kind in ("float", "monetary") and isinstance(value, (str, int)):
        return float(value.strip() if isinstance(value, str) else value)
    if kind == "integer" and isinstance(value, str):
        return int(value.strip())
    if kind == "many2one" and isinstance(value, (list, tuple)):
        return value[0]
    return value


def _is_domain(value):
    if not isinstance(value, (list, tuple)):
        return False
    for term in value:
        if isinstance(term, str):
            if term not in ("&", "|", "!"):
                return False
        elif not (isinstance(term, (list, tuple)) and len(term) == 3
                  and isinstance(term[0], str) and isinstance(term[1], str)):
            return False
    return True


def _are_names(value):
    return isinstance(value, (list, tuple)) and all(
        isinstance(name, str) and "\x00" not in name for name in value)


_ARGUMENT_CHECKS = {
    "domain": _is_domain,
    "names": _are_names,
    "groupby": lambda value: isinstance(value, str) or _are_names(value),
    "integer": lambda value: _is_int(value) and INT_MIN <= value <= INT_MAX,
    "text": lambda value: isinstance(value, str) and "\x00" not in value,
    "boolean": lambda value: isinstance(value, (bool, int)),
    "mapping": lambda value: isinstance(value, dict),
    "rows": lambda value: isinstance(value, (list, tuple)) and all(
        isinstance(row, (list, tuple)) for row in value),
    "datetime": lambda value: date_problem(value, True) is None,
    "record": lambda value: _is_int(value) and 0 < value <= INT_MAX,
}


def argument_problem(kind, value):
    """None when ``value`` is an argument of ``kind`` (a key of _ARGUMENT_CHECKS)
    a method can take, or the kind of problem (the kind, without its "!"). False
    and None stand for "not given" (Odoo's own defaults), except for a kind
    ending in "!", which the method needs."""
    needed = kind.endswith("!")
    kind = kind.rstrip("!")
    if (value is False or value is None) and not needed:
        return None
    return None if _ARGUMENT_CHECKS[kind](value) else kind


def method_name(method):
    """The name a client calls ``method`` by: OCA auditlog and others patch
    ``create``/``write``/``unlink`` with functions of other names, which keep the
    original as ``origin``."""
    while getattr(method, "origin", None) is not None:
        method = method.origin
    return method.__name__


def image_problem(value):
    """An image field (Odoo resizes ``image``, ``image_medium`` and
    ``image_small`` with PIL on create and write): base64 of a picture PIL reads."""
    problem = binary_problem(value)
    if problem or not value:
        return problem
    try:
        data = base64.b64decode(value)
    except (binascii.Error, ValueError):
        return ("image", None)
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:  # pylint: disable=broad-except
        # PIL raises OSError, SyntaxError, ValueError, struct.error... for a
        # file that is no picture or a broken one
        return ("image", None)
    return None
