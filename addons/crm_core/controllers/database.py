"""The database manager (/web/database/*: create, duplicate, drop, back up,
restore, change the master password) answers 404 unless the server lists its
databases (``list_db`` in its configuration): a CRM server (``./scripts/run``
sets ``list_db = False``) does not show it at all, not even behind the master
password. Backups and restores are ./scripts/backup and ./scripts/restore."""
from odoo import http
from odoo.addons.web.controllers import main
from odoo.tools import config
from werkzeug.exceptions import NotFound


def _manager_on():
    return bool(config.get("list_db"))


def _closed(method):
    def door(self, *args, **kwargs):
        if not _manager_on():
            raise NotFound()
        return method(self, *args, **kwargs)
    door.__name__ = method.__name__
    door.__doc__ = method.__doc__
    return http.route()(door)


class Database(main.Database):

    selector = _closed(main.Database.selector)
    manager = _closed(main.Database.manager)
    create = _closed(main.Database.create)
    duplicate = _closed(main.Database.duplicate)
    drop = _closed(main.Database.drop)
    backup = _closed(main.Database.backup)
    restore = _closed(main.Database.restore)
    change_password = _closed(main.Database.change_password)
    list = _closed(main.Database.list)
