"""Normalize phones, e-mails and company names into keys for duplicate detection.

Pure functions, no ORM (see lib/). Input typed by people in China is expected:
full-width digits and punctuation, ``0086`` prefixes, ``转`` for extensions.
"""
import re
import unicodedata

import phonenumbers

# Chinese words that introduce an extension, rewritten to the "ext." that
# phonenumbers understands ("x", "ext", "extension" and "#" it knows already).
_CHINESE_EXTENSION = re.compile("(?:分机号|分機號|分机|分機|内线|內線|转|轉)")

# Chinese legal suffixes, longest first so "股份有限公司" wins over "有限公司".
_CHINESE_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "集团",
    "集團",
    "公司",
)
# English legal suffixes as word sequences, after punctuation became spaces.
_ENGLISH_SUFFIXES = (
    ("company", "limited"),
    ("co", "limited"),
    ("co", "ltd"),
    ("corporation",),
    ("limited",),
    ("corp",),
    ("gmbh",),
    ("ltd",),
    ("llc",),
    ("inc",),
    ("k", "k"),
    ("kk",),
)


def _nfkc(raw):
    return unicodedata.normalize("NFKC", str(raw))


def normalize_phone(raw, region="CN"):
    """Return ``raw`` in E.164 ("+8613800138000"), or None when it is no number.

    Rule: NFKC the text, parse it with phonenumbers in ``region`` (a leading "+" or
    "00" names another country) and keep it when its length is possible for that
    country; an extension ("ext. 12", "转12", "#12") is dropped, a dash is not one.
    """
    if raw is None:
        return None
    text = _nfkc(raw).strip()
    if not text:
        return None
    text = _CHINESE_EXTENSION.sub(" ext. ", text)
    try:
        number = phonenumbers.parse(text, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        return None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw):
    """Return ``raw`` stripped and lower-cased, or None unless it has text before
    the "@" and a dotted domain without spaces after it (full-width "＠" and
    letters count, after NFKC)."""
    if raw is None:
        return None
    text = _nfkc(raw).strip().lower()
    local, at, domain = text.rpartition("@")
    labels = domain.split(".")
    if not (at and local and len(labels) > 1 and all(labels)) or " " in text:
        return None
    return text


def _words(text):
    """Split on whitespace, punctuation and symbols."""
    kept = "".join(
        " " if unicodedata.category(char)[0] in "PSZC" else char for char in text)
    return kept.split()


def _drop_suffix(words):
    """Return ``words`` without one legal suffix at the end, or None if none."""
    for suffix in _ENGLISH_SUFFIXES:
        size = len(suffix)
        if tuple(words[-size:]) == suffix:
            # A name that is nothing but a suffix stays as it is.
            return words[:-size] if len(words) > size else None
    joined = "".join(words)
    for suffix in _CHINESE_SUFFIXES:
        if joined == suffix:
            return None
        if joined.endswith(suffix):
            # Take the suffix off the last words, which may hold it split by spaces.
            rest = list(words)
            left = len(suffix)
            while left:
                last = rest.pop()
                if len(last) > left:
                    rest.append(last[:-left])
                    left = 0
                else:
                    left -= len(last)
            return rest
    return None


def normalize_company_name(raw):
    """Return a duplicate-detection key for a company name, or None when empty.

    Rule: NFKC and casefold, drop the legal suffixes at the end ("有限公司", "集团",
    "Co., Ltd", "GmbH", "Inc", ...) as long as a name remains, then remove every
    space, punctuation mark and symbol; the key is NFKC again, since taking a space
    out can join a combining mark to the letter before it ("C¸" is "ç").
    """
    if raw is None:
        return None
    words = _words(_nfkc(raw).casefold())
    while True:
        shorter = _drop_suffix(words)
        if shorter is None:
            break
        words = shorter
    return _nfkc("".join(words)) or None


def mask_phone(e164):
    """Mask a phone for display; "" for None or empty.

    Rule: a Chinese mobile ("+86" and 11 digits starting with 1) keeps its first 3
    and last 4 digits ("138****8000"); any other number keeps its country code and
    last 4 digits ("+49 ******5678"); text that does not parse keeps its last 4.
    """
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(_nfkc(e164).strip(), None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None:
        digits = re.sub(r"\D", "", _nfkc(e164))
        hidden = max(len(digits) - 4, 0)
        return "*" * hidden + digits[hidden:]
    national = phonenumbers.national_significant_number(number)
    if number.country_code == 86 and len(national) == 11 and national[0] == "1":
        return national[:3] + "****" + national[-4:]
    hidden = max(len(national) - 4, 0)
    return "+%d %s%s" % (number.country_code, "*" * hidden, national[hidden:])
