"""Merge an Odoo .pot into a translation .po: every entry of the template, in its
order and with its references (which Odoo needs to apply a translation), and the
msgstr already translated for the same msgid. Prints how many remain untranslated.

Usage: po_merge.py ADDON.pot LANG.po
"""
import io
import os
import sys

from babel.messages import pofile


def blocks(text):
    return [b for b in text.strip("\n").split("\n\n") if b.strip()]


def msgid_of(block):
    catalog = pofile.read_po(io.BytesIO(("%s\n" % block).encode("utf-8")))
    ids = [m.id for m in catalog if m.id]
    return ids[0] if ids else ""


def po_string(value):
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"%s"' % escaped


def main(pot_path, po_path):
    known = {}
    if os.path.exists(po_path):
        with open(po_path, "rb") as handle:
            for message in pofile.read_po(handle):
                if message.id and message.string:
                    known[message.id] = message.string
    with open(pot_path, encoding="utf-8") as handle:
        template = blocks(handle.read())
    out, missing = [], 0
    for index, block in enumerate(template):
        if index == 0:  # the header
            out.append(block.replace('"Language: \\n"', '"Language: zh_CN\\n"'))
            continue
        msgid = msgid_of(block)
        head = block[:block.rindex("msgstr")]
        value = known.get(msgid, "")
        missing += not value
        out.append(head + "msgstr " + po_string(value))
    with open(po_path, "w", encoding="utf-8") as handle:
        handle.write("\n\n".join(out) + "\n")
    print("%s: %d terms, %d untranslated" % (
        os.path.basename(pot_path), len(template) - 1, missing))


if __name__ == "__main__":
    main(*sys.argv[1:])
