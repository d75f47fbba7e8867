"""Fill empty msgstr entries of a .po file from a JSON dictionary {msgid: msgstr}.

Usage: po_fill.py TRANSLATIONS.json FILE.po [FILE.po ...]
A helper for translators: existing translations are never overwritten; multi-line
msgids work too.
"""
import json
import sys

from po_merge import blocks, msgid_of, po_string


def fill(path, table):
    with open(path, encoding="utf-8") as handle:
        parts = blocks(handle.read())
    out = []
    for index, block in enumerate(parts):
        if index and block.endswith('msgstr ""'):
            msgid = msgid_of(block)
            if msgid in table:
                block = block[:-len('""')] + po_string(table[msgid])
        out.append(block)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n\n".join(out) + "\n")


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        TABLE = json.load(fh)
    for po in sys.argv[2:]:
        fill(po, TABLE)
