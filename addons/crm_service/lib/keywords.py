"""Keywords of knowledge articles and defect rules: pure Python, no ORM.

Chinese text has no spaces between words, so a keyword matches a text when it
occurs in it as a substring (case-insensitive), never by splitting the text into
words. Keyword lists are written with commas (, or ，), 、, semicolons or spaces.
"""
import re

#: the separators of a keyword list; the same class is used in SQL (see
#: crm.service.article._suggest), where ``\\s`` is spelled ``[:space:]``
SEPARATORS = re.compile(r"[,，、;；\s]+")
SQL_SEPARATORS = "[,，、;；[:space:]]+"


def split_keywords(text):
    """Keywords of a comma / 、 / space separated text, in order, without
    duplicates (case-insensitive) or empty ones. Chinese keywords stay whole:
    '主轴、报警 E-203' gives ['主轴', '报警', 'E-203']."""
    seen = set()
    keywords = []
    for word in SEPARATORS.split(text or ""):
        key = word.lower()
        if word and key not in seen:
            seen.add(key)
            keywords.append(word)
    return keywords


def normalize_keywords(text):
    """The canonical spelling stored on a record: 'E-203, 主轴, 报警', or False
    when there is no keyword."""
    return ", ".join(split_keywords(text)) or False


def first_keyword(text, keywords):
    """The first of ``keywords`` found in ``text`` as a substring (case-insensitive),
    or None."""
    haystack = (text or "").lower()
    for keyword in keywords:
        if keyword.lower() in haystack:
            return keyword
    return None
