"""Phone numbers as the call center shows them (no database)."""
import phonenumbers


def format_phone(number):
    """``number`` for display: an E.164 number in the international format
    ("+86 138 0013 8000"), anything else as it is; "" for nothing."""
    if not number:
        return ""
    if number.startswith("+"):
        try:
            parsed = phonenumbers.parse(number, None)
        except phonenumbers.NumberParseException:
            return number
        return phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return number
