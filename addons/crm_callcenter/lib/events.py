"""Telephony events (DESIGN.md 4.3): check one event a phone system posts, and
derive a call's fields from the set of its events, whatever order they arrived in.

Pure functions, no ORM. Times are ``datetime`` objects, naive and in UTC.

The body of an event::

    {"event": "ring|answer|hangup|transfer|dtmf|queue|record",
     "call_id": "...", "event_id": "...", "direction": "inbound|outbound|internal",
     "from": "+8613800138000", "to": "4008001234", "extension": "1001",
     "queue": "sales", "timestamp": "2026-11-22T10:15:00+08:00",
     "recording_url": "https://...", "digits": "2", "cause": "busy"}

``event``, ``call_id`` and ``timestamp`` are required; ``dtmf`` needs ``digits``,
``record`` a ``recording_url``, ``transfer`` the ``extension`` the call goes to,
``queue`` the ``queue``. ``cause`` (optional, on ``hangup`` only) tells why an
unanswered call ended: ``busy``, ``no_answer``, ``failed`` or ``normal``.
"""
import hashlib
import json
import re
import unicodedata
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytz

EVENTS = ("ring", "answer", "hangup", "transfer", "dtmf", "queue", "record")
DIRECTIONS = ("inbound", "outbound", "internal")
CAUSES = ("normal", "busy", "no_answer", "failed")
#: the body's keys and the names of the checked values
FIELDS = {
    "event": "event",
    "call_id": "call_id",
    "event_id": "event_id",
    "direction": "direction",
    "from": "from_number",
    "to": "to_number",
    "extension": "extension",
    "queue": "queue",
    "timestamp": "timestamp",
    "recording_url": "recording_url",
    "digits": "digits",
    "cause": "cause",
}
#: what each kind of event cannot do without
REQUIRED = {
    "dtmf": "digits",
    "record": "recording_url",
    "transfer": "extension",
    "queue": "queue",
}
#: events at the same second sort in the order a call goes through them
EVENT_ORDER = {"queue": 0, "ring": 1, "dtmf": 2, "answer": 3, "transfer": 4,
               "record": 5, "hangup": 6}
#: caller ids a phone system sends instead of a number
HIDDEN_NUMBERS = ("anonymous", "unknown", "private", "restricted", "unavailable")

MAX_ID = 128
NUMBER_RE = re.compile(r"^\+?[0-9*#][0-9*# ()./-]{0,63}$")
EXTENSION_RE = re.compile(r"^[A-Za-z0-9_.*#-]{1,32}$")
QUEUE_RE = re.compile(r"^[\w.-]{1,64}$")
DIGITS_RE = re.compile(r"^[0-9*#]{1,32}$")
TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?$")
EARLIEST = datetime(2000, 1, 1)
FUTURE_SLACK = timedelta(days=1)


class EventError(ValueError):
    """A bad event: ``field`` is the body key at fault ("body" for the whole)."""

    def __init__(self, field, message):
        super(EventError, self).__init__("%s: %s" % (field, message))
        self.field = field
        self.message = message


class ExtensionRefused(EventError):
    """The event names an extension that is not one of its connection's (the
    answer is 403: the token does not allow it)."""


def _text(payload, key, required=False, limit=MAX_ID):
    """The value of ``key`` as text without control characters, or None."""
    value = payload.get(key)
    if value is None:
        if required:
            raise EventError(key, "is required")
        return None
    if not isinstance(value, str):
        raise EventError(key, "must be text")
    value = value.strip()
    if not value:
        if required:
            raise EventError(key, "is required")
        return None
    if len(value) > limit:
        raise EventError(key, "is longer than %d characters" % limit)
    if any(unicodedata.category(char)[0] == "C" for char in value):
        raise EventError(key, "contains a control character")
    return value


def _choice(payload, key, choices, required=False):
    value = _text(payload, key, required=required, limit=32)
    if value is not None and value not in choices:
        raise EventError(key, "must be one of %s" % ", ".join(choices))
    return value


def _matching(payload, key, pattern, what, limit):
    value = _text(payload, key, limit=limit)
    if value is not None and not pattern.match(value):
        raise EventError(key, "is not %s" % what)
    return value


def _number(payload, key):
    """A phone number as the phone system sent it (digits, "+", "*", "#",
    spaces and separators), or one of the words for a hidden caller id."""
    value = _text(payload, key, limit=64)
    if value is None or value.lower() in HIDDEN_NUMBERS:
        return value
    if not NUMBER_RE.match(value):
        raise EventError(key, "is not a phone number")
    return value


def _recording_url(payload):
    value = _text(payload, "recording_url", limit=2048)
    if value is None:
        return None
    if any(char.isspace() for char in value):
        raise EventError("recording_url", "contains a space")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        raise EventError("recording_url", "is not a URL")
    if parts.scheme not in ("http", "https") or not host:
        raise EventError("recording_url", "must be an http:// or https:// URL")
    return value


def parse_timestamp(value, tz_name):
    """``value`` (ISO 8601: date, "T" or a space, hours and minutes, optional
    seconds and fraction, optional "Z" or offset) as a naive UTC datetime; a time
    without an offset is in ``tz_name``. Raises ValueError."""
    match = TIMESTAMP_RE.match(value)
    if not match:
        raise ValueError("not ISO 8601")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    moment = datetime(int(year), int(month), int(day), int(hour), int(minute),
                      int(second or 0), micro)
    if offset is None:
        zone = pytz.timezone(tz_name or "UTC")
        try:
            local = zone.localize(moment, is_dst=None)
        except (pytz.AmbiguousTimeError, pytz.NonExistentTimeError):
            local = zone.localize(moment, is_dst=False)
        return local.astimezone(pytz.utc).replace(tzinfo=None)
    if offset == "Z":
        return moment
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("bad offset")
    shift = timedelta(hours=hours, minutes=minutes)
    return moment - shift if offset[0] == "+" else moment + shift


def validate(payload, tz_name="UTC", now=None):
    """The checked values of one posted event, or raise EventError naming the
    first field at fault. Keys: the values of FIELDS; ``timestamp`` a naive UTC
    datetime; absent optional values are None."""
    if not isinstance(payload, dict):
        raise EventError("body", "expected a JSON object")
    for key in payload:
        if key not in FIELDS:
            raise EventError(str(key)[:64], "is not a field of the event API")
    clean = {
        "event": _choice(payload, "event", EVENTS, required=True),
        "call_id": _text(payload, "call_id", required=True),
        "event_id": _text(payload, "event_id"),
        "direction": _choice(payload, "direction", DIRECTIONS),
        "from_number": _number(payload, "from"),
        "to_number": _number(payload, "to"),
        "extension": _matching(payload, "extension", EXTENSION_RE,
                               "an extension (letters, digits, _ . * # -)", 32),
        "queue": _matching(payload, "queue", QUEUE_RE,
                           "a queue code (letters, digits, _ . -)", 64),
        "recording_url": _recording_url(payload),
        "digits": _matching(payload, "digits", DIGITS_RE,
                            "DTMF digits (0-9, * and #)", 32),
        "cause": _choice(payload, "cause", CAUSES),
    }
    raw_time = _text(payload, "timestamp", required=True, limit=64)
    try:
        moment = parse_timestamp(raw_time, tz_name)
    except (ValueError, OverflowError):
        raise EventError("timestamp", "is not an ISO 8601 date and time "
                                      "(2026-11-22T10:15:00+08:00)")
    now = now or datetime.utcnow()
    if moment < EARLIEST or moment > now + FUTURE_SLACK:
        raise EventError("timestamp", "is not between 2000 and tomorrow")
    clean["timestamp"] = moment
    event = clean["event"]
    needed = REQUIRED.get(event)
    if needed and not clean[FIELDS[needed]]:
        raise EventError(needed, "is required for a %s event" % event)
    if clean["cause"] and event != "hangup":
        raise EventError("cause", "is only given with a hangup event")
    return clean


def event_key(clean):
    """What makes an event unique within its call: the sender's ``event_id``, or
    else a hash of its checked values (an exact resend is the same event)."""
    if clean.get("event_id"):
        return "id:" + clean["event_id"]
    values = {key: value for key, value in clean.items() if key != "event_id"}
    values["timestamp"] = clean["timestamp"].isoformat()
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sort_events(events):
    """``events`` (dicts with ``event``, ``timestamp`` and an arrival ``seq``) in
    the order they happened."""
    return sorted(events, key=lambda e: (e["timestamp"], EVENT_ORDER[e["event"]],
                                         e.get("seq", 0)))


def _seconds(later, earlier):
    if later is None or earlier is None:
        return 0
    return max(int(round((later - earlier).total_seconds())), 0)


def _first(events, key):
    return next((e[key] for e in events if e.get(key)), None)


def _last(events, key, kinds=None):
    return next((e[key] for e in reversed(events)
                 if e.get(key) and (kinds is None or e["event"] in kinds)), None)


def derive(events):
    """The fields of a call from all its events, in any order of arrival.

    Rules: the call starts at its earliest event and ends at its latest hangup;
    it was answered at its earliest answer. Wait is from entering a queue (or from
    the start without one) until the answer, or until the end when nobody
    answered; talk is from the answer to the end. Direction, caller and called
    number come from the earliest event giving them; queue and recording from the
    latest. The IVR path is the DTMF digits in order, joined by ">". The agent's
    extension is the latest one that answered or took a transfer, else the latest
    that rang.

    Disposition: ``answered`` with an answer; else ``voicemail`` with a recording;
    else ``ringing`` while not ended; else by the hangup's cause ``busy`` or
    ``failed``; else ``abandoned`` when the caller was queued; else ``no_answer``
    when it rang (or the cause says so), ``failed`` when it never rang.
    State: ``ended`` after a hangup, ``talking`` once answered, ``queued`` in a
    queue until an agent's extension rings, else ``ringing``.
    """
    events = sort_events(events)
    if not events:
        return {}
    kinds = {e["event"] for e in events}
    start = events[0]["timestamp"]
    answers = [e["timestamp"] for e in events if e["event"] == "answer"]
    hangups = [e for e in events if e["event"] == "hangup"]
    queued = [e["timestamp"] for e in events if e["event"] == "queue"]
    answer = min(answers) if answers else None
    end = max(e["timestamp"] for e in hangups) if hangups else None
    waited_from = min(queued) if queued else start
    cause = _last(hangups, "cause")
    if answer:
        disposition = "answered"
    elif "record" in kinds:
        disposition = "voicemail"
    elif not end:
        disposition = "ringing"
    elif cause in ("busy", "failed"):
        disposition = cause
    elif queued or any(e.get("queue") for e in events):
        disposition = "abandoned"
    elif cause == "no_answer" or "ring" in kinds:
        disposition = "no_answer"
    else:
        disposition = "failed"
    if end:
        state = "ended"
    elif answer:
        state = "talking"
    elif queued and not any(
            e["event"] in ("ring", "transfer") and e.get("extension")
            and e["timestamp"] >= max(queued) for e in events):
        state = "queued"
    else:
        state = "ringing"
    extension = (_last(events, "extension", ("answer", "transfer"))
                 or _last(events, "extension", ("ring",))
                 or _last(events, "extension"))
    return {
        "direction": _first(events, "direction") or "inbound",
        "caller_number": _first(events, "from_number"),
        "called_number": _first(events, "to_number"),
        "extension": extension,
        "queue": _last(events, "queue"),
        "ivr_path": ">".join(e["digits"] for e in events
                             if e["event"] == "dtmf" and e.get("digits")) or None,
        "recording_url": _last(events, "recording_url"),
        "start_date": start,
        "answer_date": answer,
        "end_date": end,
        "wait_seconds": _seconds(answer or end, waited_from),
        "talk_seconds": _seconds(end, answer),
        "disposition": disposition,
        "state": state,
    }


def extension_phases(events):
    """Where each extension stands in the call: {extension: phase}, the phase
    one of ``ringing``, ``on_call``, ``done_answered`` (it talked, the call is
    over for it) and ``done_missed`` (it rang but someone else answered, or
    nobody). A transfer rings its extension and ends the part of the one that
    had the call; a hangup ends every part."""
    phases = {}
    for event in sort_events(events):
        kind, extension = event["event"], event.get("extension")
        if kind == "ring" and extension and \
                phases.get(extension) in (None, "done_missed"):
            phases[extension] = "ringing"
        elif kind == "answer":
            for other, phase in phases.items():
                if phase == "ringing" and other != extension:
                    phases[other] = "done_missed"
            if extension:
                phases[extension] = "on_call"
        elif kind == "transfer" and extension:
            for other, phase in phases.items():
                if phase == "on_call" and other != extension:
                    phases[other] = "done_answered"
                elif phase == "ringing" and other != extension:
                    phases[other] = "done_missed"
            phases[extension] = "ringing"
        elif kind == "hangup":
            for other, phase in phases.items():
                if phase == "on_call":
                    phases[other] = "done_answered"
                elif phase == "ringing":
                    phases[other] = "done_missed"
    return phases


#: the agent status each phase of an extension puts its agent in
PHASE_STATUS = {
    "ringing": "ringing",
    "on_call": "on_call",
    "done_answered": "after_call",
    "done_missed": "available",
}


def phase_changes(before, after):
    """{extension: new phase} for the extensions whose phase ``after`` differs
    from ``before`` (both as returned by extension_phases)."""
    return {ext: phase for ext, phase in after.items() if before.get(ext) != phase}
