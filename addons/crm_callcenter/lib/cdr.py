"""Read call detail records (CDR, 话单) written by Asterisk's cdr_csv (``Master.csv``)
or by a PBX with its own column layout. Pure functions, no ORM (see lib/).

``Master.csv`` has no header; its columns, in order (DESIGN.md 4.3), are
MASTER_COLUMNS. Times are the PBX's local time without a zone; they are turned
into UTC here with the timezone the import names. A row that cannot be read
raises CdrError with a message naming the column; the import reports it with
its line number and writes nothing for it.
"""
import csv
import io
import re
from datetime import datetime, timedelta

import pytz

MASTER_COLUMNS = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel",
    "lastapp", "lastdata", "start", "answer", "end", "duration", "billsec",
    "disposition", "amaflags", "uniqueid", "userfield",
)
#: columns a layout must have
REQUIRED_COLUMNS = ("src", "dst", "start", "disposition")

#: Asterisk dispositions -> crm.callcenter.call dispositions
DISPOSITIONS = {
    "ANSWERED": "answered",
    "NO ANSWER": "no_answer",
    "NOANSWER": "no_answer",
    "BUSY": "busy",
    "FAILED": "failed",
    "CONGESTION": "failed",
}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S",
                "%Y-%m-%d %H:%M")
UTC_FORMAT = "%Y-%m-%d %H:%M:%S"
MAX_TEXT = 128
_NUMBER_RE = re.compile(r"^[0-9+*#() .\-]{1,40}$")
_SECONDS_RE = re.compile(r"\A[0-9]{1,7}\Z")


def _(text):
    """Mark a message for translation (Odoo exports it); the import translates
    the template and fills in its parameters."""
    return text


class CdrError(Exception):
    """A row that cannot be imported: ``template`` % ``params`` says why (in
    English; the import shows it translated)."""

    def __init__(self, template, params=None):
        self.template, self.params = template, params or {}
        super(CdrError, self).__init__(template % self.params)


class CdrFileError(CdrError):
    """A file or a column layout that cannot be read at all."""


def decode(data):
    """The text of a CDR file: UTF-8 (with or without BOM), else GB18030 as
    Chinese PBXs write it."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CdrFileError(_("the file is neither UTF-8 nor GB18030 text"))


def iter_rows(text, start=0, limit=None):
    """(line number, fields) of the file's records from record ``start`` (0-based),
    at most ``limit`` of them; blank lines are skipped but counted. A record with
    a quoted line break spans several lines and keeps the number of its first."""
    reader = csv.reader(io.StringIO(text, newline=""))
    index = 0
    line = 1
    emitted = 0
    while limit is None or emitted < limit:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            fields = CdrError(_("the line is not valid CSV (%(error)s)"),
                              {"error": error})
        first_line = line
        line = reader.line_num + 1
        if isinstance(fields, list) and not any(f.strip() for f in fields):
            continue
        if index >= start:
            yield first_line, fields
            emitted += 1
        index += 1


def count_rows(text):
    """How many records (non-blank lines) the file has."""
    return sum(1 for _row in iter_rows(text))


def check_layout(column_map):
    """Raise CdrFileError unless ``column_map`` ({index: column}) maps every
    required column exactly once to known columns."""
    seen = {}
    for index, name in column_map.items():
        if name not in MASTER_COLUMNS:
            raise CdrFileError(_("column %(index)d: %(name)r is not a CDR column"),
                               {"index": index, "name": name})
        if name in seen:
            raise CdrFileError(_("columns %(first)d and %(second)d both hold "
                                 "%(name)s"),
                               {"first": seen[name], "second": index, "name": name})
        seen[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise CdrFileError(_("no column holds %(names)s"),
                           {"names": ", ".join(missing)})


def _to_utc(text, tz, column):
    """A local time of the years 1900 to 2999 as naive UTC (a year outside them
    is a typing error, and near years 1 and 9999 the conversion to UTC and the
    end time computed from the duration would overflow)."""
    text = text.strip()
    if not text:
        return None
    for fmt in TIME_FORMATS:
        try:
            local = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if not 1900 <= local.year <= 2999:
            break
        try:
            aware = tz.localize(local, is_dst=None)
        except (pytz.AmbiguousTimeError, pytz.NonExistentTimeError):
            aware = tz.localize(local, is_dst=False)
        return aware.astimezone(pytz.utc).replace(tzinfo=None)
    raise CdrError(_("%(column)s: %(value)r is not a date and time "
                     "(YYYY-MM-DD HH:MM:SS)"), {"column": column, "value": text})


def _seconds(text, column):
    text = text.strip()
    if not text:
        return None
    if not _SECONDS_RE.match(text):  # str.isdigit() is true for "²" too
        raise CdrError(_("%(column)s: %(value)r is not a number of seconds"),
                       {"column": column, "value": text})
    return int(text)


def _number(text, column):
    text = text.strip()
    if text and not _NUMBER_RE.match(text):
        raise CdrError(_("%(column)s: %(value)r is not a phone number or "
                         "extension"), {"column": column, "value": text})
    return text


def queue_code(lastapp, lastdata):
    """The queue a call went through: the first argument of Asterisk's Queue()."""
    if (lastapp or "").strip().lower() != "queue":
        return None
    return (lastdata or "").split(",")[0].strip() or None


def parse_row(fields, column_map, tz_name):
    """One CDR record as a dict of clean values, or CdrError.

    ``column_map`` is {column index: CDR column}; ``tz_name`` the PBX's
    timezone. Times come back as naive UTC datetimes; ``talk_seconds`` is
    billsec and ``wait_seconds`` the rest of the duration (the ring or queue
    time); a call that waited in Queue() and was not answered is "abandoned",
    one that ended in VoiceMail() "voicemail".
    """
    if isinstance(fields, Exception):
        raise fields
    needed = max(column_map) + 1 if column_map else 0
    if len(fields) < needed:
        raise CdrError(_("expected at least %(needed)d columns, found %(found)d"),
                       {"needed": needed, "found": len(fields)})
    tz = pytz.timezone(tz_name or "UTC")
    raw = {name: fields[index] for index, name in column_map.items()}
    for name, value in raw.items():
        if len(value) > 1024:
            raise CdrError(_("%(column)s: longer than 1024 characters"),
                           {"column": name})
    src = _number(raw.get("src", ""), "src")
    dst = _number(raw.get("dst", ""), "dst")
    if not src and not dst:
        raise CdrError(_("src, dst: neither the caller nor the called number is "
                         "given"))
    start = _to_utc(raw.get("start", ""), tz, "start")
    if start is None:
        raise CdrError(_("start: the call has no start time"))
    answer = _to_utc(raw.get("answer", ""), tz, "answer")
    end = _to_utc(raw.get("end", ""), tz, "end")
    for name, value in (("answer", answer), ("end", end)):
        if value and value < start:
            raise CdrError(_("%(column)s: before the start of the call"),
                           {"column": name})
    if answer and end and end < answer:
        raise CdrError(_("end: before the answer"))
    duration = _seconds(raw.get("duration", ""), "duration")
    billsec = _seconds(raw.get("billsec", ""), "billsec")
    if duration is None and end:
        duration = int((end - start).total_seconds())
    if billsec is None:
        billsec = int((end - answer).total_seconds()) if answer and end else 0
    if duration is None:
        duration = billsec
    if billsec > duration:
        raise CdrError(_("billsec: %(billsec)d is longer than the duration "
                         "%(duration)d"), {"billsec": billsec, "duration": duration})
    status = raw.get("disposition", "").strip().upper()
    if status not in DISPOSITIONS:
        raise CdrError(_("disposition: %(value)r is not one of %(known)s"),
                       {"value": raw.get("disposition", ""),
                        "known": ", ".join(sorted(DISPOSITIONS))})
    disposition = DISPOSITIONS[status]
    lastapp = raw.get("lastapp", "").strip()
    queue = queue_code(lastapp, raw.get("lastdata", ""))
    if lastapp.lower() == "voicemail":
        disposition = "voicemail"
    elif queue and disposition == "no_answer":
        disposition = "abandoned"
    uniqueid = raw.get("uniqueid", "").strip()
    if len(uniqueid) > MAX_TEXT:
        raise CdrError(_("uniqueid: longer than %(max)d characters"),
                       {"max": MAX_TEXT})
    if disposition == "answered" and answer is None:
        answer = start + timedelta(seconds=duration - billsec)
    if end is None:
        end = start + timedelta(seconds=duration)
    return {
        "uniqueid": uniqueid,
        "src": src,
        "dst": dst,
        "start": start,
        "answer": answer if disposition == "answered" else None,
        "end": end,
        "duration": duration,
        "billsec": billsec,
        "talk_seconds": billsec if disposition == "answered" else 0,
        "wait_seconds": duration - billsec if disposition == "answered" else duration,
        "disposition": disposition,
        "queue": queue[:MAX_TEXT] if queue else None,
        "lastapp": lastapp[:MAX_TEXT],
        "accountcode": raw.get("accountcode", "").strip()[:MAX_TEXT],
        "channel": raw.get("channel", "").strip()[:MAX_TEXT],
        "dstchannel": raw.get("dstchannel", "").strip()[:MAX_TEXT],
        "userfield": raw.get("userfield", "").strip(),
    }


def call_key(row):
    """The id a CDR record is known by: its uniqueid, or (start, src, dst) when
    the PBX wrote none, so that importing the same file twice finds the same
    calls."""
    if row["uniqueid"]:
        return row["uniqueid"]
    return "cdr:%s|%s|%s" % (row["start"].strftime(UTC_FORMAT), row["src"],
                             row["dst"])


def direction(src, dst, extensions):
    """"internal" between two of the PBX's ``extensions``, "outbound" from one of
    them, "inbound" otherwise."""
    if src in extensions and dst in extensions:
        return "internal"
    if src in extensions:
        return "outbound"
    return "inbound"
