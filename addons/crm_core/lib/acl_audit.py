"""Audit access rights: pure functions over plain data, no ORM (see STYLE.md, lib/).

The ORM side (tests/test_security_registry.py) collects the facts from a database:

- ``models``: names of the persistent models our addons create;
- ``acls``: one :class:`Acl` per ``ir.model.access`` line on those models and on
  the models they use (``ours`` tells whether one of our addons declares the line);
- ``uses``: one :class:`Use` per (group, model) pair where a group reaches the model,
  e.g. through a menu it may open;
- ``implied``: for each group, the set of groups it implies (transitively, itself
  included).

and :func:`find_problems` says, in plain sentences, what is wrong.
"""
from collections import namedtuple

Acl = namedtuple("Acl", "name model group read write create unlink ours")
Use = namedtuple("Use", "group model reason")


def find_problems(models, acls, uses, implied):
    """Return a sorted list of problems; empty when the access rights are sound.

    Three rules:
    1. every model has at least one access-rights line;
    2. a line of ours without a group (it applies to everybody, portal and public
       users included) never grants write, create or unlink;
    3. a group that uses a model can read it, through a line for the group, for a
       group it implies, or a group-less line.
    """
    problems = []
    by_model = {}
    for acl in acls:
        by_model.setdefault(acl.model, []).append(acl)
    for model in sorted(set(models)):
        if not by_model.get(model):
            problems.append("model %s has no access rights" % model)
    for acl in acls:
        if acl.ours and acl.group is None and (acl.write or acl.create or acl.unlink):
            problems.append(
                "access rights %s on %s have no group but grant write/create/unlink"
                % (acl.name, acl.model)
            )
    for use in uses:
        groups = implied.get(use.group, {use.group})
        readable = any(
            acl.read and (acl.group is None or acl.group in groups)
            for acl in by_model.get(use.model, ())
        )
        if not readable:
            problems.append(
                "group %s uses %s (%s) but cannot read it"
                % (use.group, use.model, use.reason)
            )
    return sorted(set(problems))
