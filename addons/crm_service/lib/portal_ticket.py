"""The customer portal's ticket pages: what the "new ticket" form may post, and
the progress bar of a ticket's lifecycle.

Pure functions, no ORM (see lib/). The controller (controllers/portal.py) turns a
:class:`FormError` into the form shown again with the field marked and a
translated message for its ``code``.
"""
import unicodedata

#: the fields of the form: name -> (longest length, several lines allowed)
TEXT_FIELDS = {
    "name": (200, False),
    "description": (10000, True),
    "contact_phone": (32, False),
}
CHOICE_FIELDS = ("ticket_type", "category_id")
REQUIRED = ("name", "description")
#: what the browser sends besides the fields
IGNORED = ("csrf_token",)
_LINE_BREAKS = {"\n", "\r", "\t"}

#: the steps a customer sees, in order; other states show as one of them
STEPS = ("new", "accepted", "dispatched", "in_progress", "resolved", "visit",
         "closed")
SHOWN_AS = {"waiting": "in_progress"}


class FormError(ValueError):
    """Bad input: ``field`` names the field; ``code`` says what is wrong:
    required, too_long, control_character, invalid_choice or unknown_field."""

    def __init__(self, field, code):
        super(FormError, self).__init__("%s: %s" % (field, code))
        self.field = field
        self.code = code


def validate(form, ticket_types, category_ids):
    """The clean values of the posted ``form`` (field -> text), or FormError for
    the first problem, in field order. ``ticket_types`` are the accepted type
    keys, ``category_ids`` the ids of the categories a customer may pick. Blank
    counts as absent; text is stripped; the category comes back as an int."""
    for key in form:
        if key not in TEXT_FIELDS and key not in CHOICE_FIELDS and key not in IGNORED:
            raise FormError(key, "unknown_field")
    clean = {}
    for field, (limit, multiline) in TEXT_FIELDS.items():
        value = _text(form.get(field))
        if not value:
            continue
        if len(value) > limit:
            raise FormError(field, "too_long")
        for char in value:
            if unicodedata.category(char) == "Cc" and not (
                    multiline and char in _LINE_BREAKS):
                raise FormError(field, "control_character")
        clean[field] = value
    for field in REQUIRED:
        if field not in clean:
            raise FormError(field, "required")
    ticket_type = _text(form.get("ticket_type"))
    if ticket_type:
        if ticket_type not in ticket_types:
            raise FormError("ticket_type", "invalid_choice")
        clean["ticket_type"] = ticket_type
    category = _text(form.get("category_id"))
    if category:
        if not category.isdigit() or int(category) not in set(category_ids):
            raise FormError("category_id", "invalid_choice")
        clean["category_id"] = int(category)
    return clean


def _text(value):
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return value.strip()


def progress_steps(state):
    """The steps of the progress bar for a ticket in ``state``: a list of
    (step, status) with status "done", "current" or "todo". A cancelled ticket has
    no current step (the page says it was cancelled)."""
    shown = SHOWN_AS.get(state, state)
    if shown not in STEPS:
        return [(step, "todo") for step in STEPS]
    current = STEPS.index(shown)
    return [(step, "done" if index < current else
             "current" if index == current else "todo")
            for index, step in enumerate(STEPS)]
