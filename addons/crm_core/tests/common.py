"""Test helpers shared by our addons: users with given groups, acting as them, and
counting SQL queries (Odoo 11 has no assertQueryCount)."""
import contextlib
import os

from babel.messages import pofile
from odoo import api as odoo_api
from odoo.modules.module import get_module_path
from odoo.tools.translate import trans_generate


class QueryCounter(object):
    """Counts the SQL statements a cursor runs inside a ``with`` block."""

    def __init__(self, cr):
        self.cr = cr
        self.count = 0
        self._start = None

    def __enter__(self):
        self._start = self.cr.sql_log_count
        return self

    def __exit__(self, *exc):
        self.count = self.cr.sql_log_count - self._start
        return False


class CrmTestMixin(object):
    """Mixin for SavepointCase/TransactionCase classes of our addons."""

    @classmethod
    def new_user(cls, login, groups, **vals):
        """Create an ordinary (non-admin) user in the given groups (xml ids)."""
        group_ids = [cls.env.ref(xmlid).id for xmlid in groups]
        values = {
            "name": login.replace("_", " ").title(),
            "login": login,
            "email": "%s@example.com" % login,
            "groups_id": [(6, 0, group_ids)],
        }
        values.update(vals)
        return cls.env["res.users"].with_context(no_reset_password=True).create(values)

    def rpc(self, user, model, method, *args, **kwargs):
        """Call ``method`` on ``model`` as ``user`` the way a client's RPC is
        dispatched (``odoo.api.call_kw``, which the web client, XML-RPC and JSON-RPC
        all go through): records first, as a list of ids, for methods on records."""
        return odoo_api.call_kw(self.env[model].sudo(user), method, list(args),
                                kwargs)

    def env_as(self, user):
        """The test environment, acting as ``user`` (record rules apply)."""
        return self.env(user=user.id)

    def count_queries(self):
        """``with self.count_queries() as q: ...`` then read ``q.count``."""
        return QueryCounter(self.env.cr)

    @contextlib.contextmanager
    def assertMaxQueries(self, limit):
        with self.count_queries() as counter:
            yield counter
        self.assertLessEqual(
            counter.count, limit,
            "%d SQL queries, expected at most %d" % (counter.count, limit),
        )


def untranslated_terms(cr, module, lang="zh_CN"):
    """Terms of ``module`` (labels, menus, views, code strings, data) that its
    ``i18n/<lang>.po`` does not translate. Returns a sorted list of source strings."""
    terms = {
        src.strip()
        for mod, _type, _name, _res_id, src, _value, _comments in trans_generate(
            lang, [module], cr
        )
        if mod == module and src and src.strip()
    }
    path = os.path.join(get_module_path(module), "i18n", "%s.po" % lang)
    translated = set()
    if os.path.exists(path):
        with open(path, "rb") as handle:
            catalog = pofile.read_po(handle)
        translated = {
            message.id.strip()
            for message in catalog
            if message.id and message.string and not message.fuzzy
        }
    return sorted(terms - translated)
