"""Fill empty msgstr entries of a .po file from a JSON dictionary {msgid: msgstr}.

Usage: po_fill.py TRANSLATIONS.json FILE.po [FILE.po ...]
A helper for translators: existing translations are never overwritten.
"""
import json
import sys

from babel.messages import pofile
from po_merge import po_string as _quote


def fill(path, table):
    with open(path, "rb") as handle:
        catalog = pofile.read_po(handle)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    for message in catalog:
        if message.id and not message.string and message.id in table:
            old = 'msgid %s\nmsgstr ""' % _quote(message.id)
            new = 'msgid %s\nmsgstr %s' % (
                _quote(message.id), _quote(table[message.id]))
            text = text.replace(old, new)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        TABLE = json.load(fh)
    for po in sys.argv[2:]:
        fill(po, TABLE)
