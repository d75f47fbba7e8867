"""A real HTTP server inside the test, serving the test's own transaction.

pytest-odoo runs no Odoo server, and Odoo 11's HttpCase needs one. Here the registry
is put in test mode (as HttpCase does): every request works on the test's cursor, so
it sees the records the test creates without a commit, the test reads what the
request wrote, and closing the cursor at the end rolls all of it back. A threaded
werkzeug server on a free port of 127.0.0.1 serves Odoo's WSGI application.
"""
import contextlib
import threading

import odoo
from odoo import api
from odoo.tests.common import BaseCase, get_db_name
from werkzeug.serving import WSGIRequestHandler, make_server

from .common import CrmTestMixin


class QuietRequestHandler(WSGIRequestHandler):
    """Logs failed requests only: a web client page fetches dozens of assets. A
    test that sends bad requests on purpose quiets the 4xx answers too."""

    quiet = ("1", "2", "3")

    def log_request(self, code="-", size="-"):
        if str(getattr(code, "value", code)).startswith(self.quiet):
            return None
        return super(QuietRequestHandler, self).log_request(code, size)


class ClientErrorsQuietHandler(QuietRequestHandler):
    quiet = ("1", "2", "3", "4")


def application(environ, start_response):
    # pytest-odoo marks only the test thread as testing; mark the request threads
    # too, so that Odoo sends no mail and fetches no gravatar from them either.
    threading.current_thread().testing = True
    return odoo.service.wsgi_server.application(environ, start_response)


class HttpCase(CrmTestMixin, BaseCase):
    """Subclasses create their records in ``_create_records`` (a classmethod, as
    superuser on the shared cursor) and call their clients inside
    ``with self.served():``."""

    request_handler = QuietRequestHandler

    @classmethod
    def setUpClass(cls):
        super(HttpCase, cls).setUpClass()
        cls.registry = odoo.registry(get_db_name())
        # One cursor for the test and every request. This thread holds its lock,
        # except while a client talks to the server (see served).
        cls.registry.enter_test_mode()
        cls.cr = cls.registry.cursor()
        cls.uid = odoo.SUPERUSER_ID
        cls.env = api.Environment(cls.cr, cls.uid, {
            "lang": "en_US", "tracking_disable": True, "mail_notrack": True})
        cls.server = None
        try:
            cls._create_records()
            cls._start_server()
        except Exception:
            cls._stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls._stop()
        super(HttpCase, cls).tearDownClass()

    @classmethod
    def _create_records(cls):
        """The records the requests need."""

    @classmethod
    def _start_server(cls):
        cls.server = make_server("127.0.0.1", 0, application, threaded=True,
                                 request_handler=cls.request_handler)
        cls.base_url = "http://127.0.0.1:%d" % cls.server.port
        cls.server_thread = threading.Thread(
            target=cls.server.serve_forever, name="test-http", daemon=True)
        cls.server_thread.start()

    @classmethod
    def _stop(cls):
        if cls.server:
            cls.server.shutdown()
            cls.server.server_close()
            cls.server_thread.join(10)
        cls.env.reset()
        # closes the shared cursor without a commit: everything goes with it
        cls.registry.leave_test_mode()

    @contextlib.contextmanager
    def served(self):
        """Let the server use the cursor for the requests made in the block. The
        test cursor simulates commits by moving a savepoint and a request that
        fails rolls back to it, so the savepoint must come after the test's
        records; after the block the test sees what the requests wrote."""
        # a test cursor's commit only moves its savepoint
        self.cr.commit()  # pylint: disable=invalid-commit
        self.cr.release()
        try:
            yield
        finally:
            self.cr.acquire()
            self.env.clear()
