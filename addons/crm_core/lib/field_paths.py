"""The field names a client's request reads or compares: pure functions over the
arguments of Odoo's public methods, no ORM (see STYLE.md, lib/).

The ORM side (models/base_guard.py) checks each name against the fields' ``groups``;
these functions only say which names a request touches, so that a field hidden from a
user stays hidden whichever door the request takes: a search domain (an oracle even
when the value is never returned), an ``order``, the measures and groupings of
``read_group``, the columns of an export, the sub-fields of an onchange.
"""

OPERATORS = ("&", "|", "!")


def domain_paths(domain):
    """The field paths (``"partner_id.email"``) of the leaves of ``domain``.

    Leaves that are not (name, operator, value) triples with a string name, such as
    Odoo's TRUE_LEAF ``(1, '=', 1)``, have no path. A domain that is not a list is
    returned as no path: the ORM rejects it with its own error."""
    paths = []
    if not isinstance(domain, (list, tuple)):
        return paths
    for leaf in domain:
        if isinstance(leaf, (list, tuple)) and len(leaf) == 3 \
                and isinstance(leaf[0], str):
            paths.append(leaf[0])
    return paths


def order_names(order):
    """The field names of an ``order`` specification (``"amount desc, id"``)."""
    if not isinstance(order, str):
        return []
    names = []
    for part in order.split(","):
        words = part.strip().split()
        if words:
            names.append(words[0].strip('"'))
    return names


def aggregate_names(fields):
    """The field names of ``read_group``'s ``fields`` argument: ``"amount"``,
    ``"amount:sum"`` and ``"total:sum(amount)"`` all read ``amount``."""
    names = []
    if not isinstance(fields, (list, tuple)):
        return names
    for spec in fields:
        if not isinstance(spec, str):
            continue
        name, _sep, func = spec.partition(":")
        if "(" in func and func.endswith(")"):
            name = func[func.index("(") + 1:-1]
        names.append(name.strip())
    return names


def groupby_names(groupby):
    """The field names of ``read_group``'s ``groupby`` (``"date:month"`` → date)."""
    if isinstance(groupby, str):
        groupby = [groupby]
    if not isinstance(groupby, (list, tuple)):
        return []
    return [spec.split(":")[0].strip() for spec in groupby if isinstance(spec, str)]


def export_paths(fields):
    """The field paths of ``export_data``'s columns: ``"partner_id/email"`` reads
    ``partner_id.email``; the ``id`` / ``.id`` suffixes name the record, not a
    field."""
    paths = []
    if not isinstance(fields, (list, tuple)):
        return paths
    for spec in fields:
        if not isinstance(spec, str):
            continue
        parts = [p for p in spec.replace(".id", "/id").split("/")
                 if p and p != "id"]
        if parts:
            paths.append(".".join(parts))
    return paths
