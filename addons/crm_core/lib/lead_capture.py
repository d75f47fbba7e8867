"""Check what a website posts to a lead capture form.

Pure functions, no ORM (see lib/). The controller (controllers/lead_capture.py)
turns a :class:`CaptureError` into HTTP 400 with ``{"error": ..., "field": ...}``.
"""
import unicodedata

from .phone import normalize_email, normalize_phone

# The fields a form may post: name -> (longest length, several lines allowed).
FIELDS = {
    "name": (64, False),      # the contact person (always accepted, required)
    "company": (128, False),
    "phone": (32, False),
    "email": (254, False),
    "subject": (128, False),
    "message": (4000, True),
}
# The optional fields and the flag of crm.lead.capture that lets a form take them.
OPTIONAL_FIELDS = {
    "company": "allow_company",
    "phone": "allow_phone",
    "email": "allow_email",
    "subject": "allow_subject",
    "message": "allow_message",
}
_LINE_BREAKS = {"\n", "\r", "\t"}


class CaptureError(ValueError):
    """Bad input: ``field`` names the field, the message says what is wrong."""

    def __init__(self, field, message):
        super(CaptureError, self).__init__("%s: %s" % (field, message))
        self.field = field
        self.message = message


def _check_text(field, value):
    limit, multiline = FIELDS[field]
    if not isinstance(value, str):
        raise CaptureError(field, "must be text")
    value = value.strip()
    if len(value) > limit:
        raise CaptureError(field, "is longer than %d characters" % limit)
    for char in value:
        if unicodedata.category(char) == "Cc" and not (
                multiline and char in _LINE_BREAKS):
            raise CaptureError(field, "contains a control character")
    return value


def validate(payload, allowed, region="CN"):
    """Return the clean values of ``payload`` (a dict of field -> text), or raise
    :class:`CaptureError` for the first problem, by field order.

    Rule: every key is one of FIELDS and, unless it is "name", in ``allowed``;
    every value is text within its length, without control characters (line
    breaks only in "message"); blank counts as absent; "name" is required, and a
    phone or an e-mail address; the phone must parse in ``region`` (a leading "+"
    names another country) and comes back in E.164; the e-mail address comes back
    lower-cased.
    """
    if not isinstance(payload, dict):
        raise CaptureError("body", "expected an object of fields")
    for key in payload:
        if key not in FIELDS:
            raise CaptureError(key, "is not a field of lead capture forms")
        if key != "name" and key not in allowed:
            raise CaptureError(key, "is not accepted by this form")
    clean = {}
    for field in FIELDS:
        if field in payload and payload[field] is not None:
            value = _check_text(field, payload[field])
            if value:
                clean[field] = value
    if "name" not in clean:
        raise CaptureError("name", "is required")
    if "phone" in clean:
        phone = normalize_phone(clean["phone"], region)
        if not phone:
            raise CaptureError("phone", "is not a phone number")
        clean["phone"] = phone
    if "email" in clean:
        email = normalize_email(clean["email"])
        if not email:
            raise CaptureError("email", "is not an e-mail address")
        clean["email"] = email
    if "phone" not in clean and "email" not in clean:
        field = "phone" if "phone" in allowed or "email" not in allowed else "email"
        raise CaptureError(field, "give a phone number or an e-mail address")
    return clean
