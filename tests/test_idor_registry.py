"""IDOR over the whole registry (issue 13): for every stored model of our four
addons, and for Odoo's customers, leads, orders, invoices (and their lines) and
attachments, an ordinary user of each role takes a record of the demo data they
cannot read and tries every door on it over real XML-RPC: read, write, unlink,
copy, export, a chatter note, and every public method our addons define on the
model. Each attempt must be refused (an access error, or a user error that names
the problem, never a server error or a success), and no record changes.

tests/test_idor_rpc.py does the same over both protocols for hand-made records of
the main models, with the searches; this one walks what the registry holds."""
import inspect
import xmlrpc.client

from odoo import SUPERUSER_ID, api
from odoo.tests.common import get_db_name

from odoo.addons.crm_core.tests.http_case import ClientErrorsQuietHandler, HttpCase

PASSWORD = "Idor-Registry-2026"
OURS = ("crm_core", "crm_service", "crm_callcenter", "crm_analytics")
ODOO_MODELS = ("res.partner", "crm.lead", "sale.order", "sale.order.line",
               "account.invoice", "account.invoice.line", "ir.attachment")
ROLES = {
    "rep": ["sales_team.group_sale_salesman"],
    "agent": ["crm_core.group_callcenter_agent"],
    "service": ["crm_core.group_service_agent"],
    "marketing": ["crm_core.group_marketing_user"],
    "portal": ["base.group_portal"],
}
# where the records of a role's scope are (attachments: of customer records, not
# the web client's assets)
DOMAINS = {"ir.attachment": [("res_model", "in", ("res.partner", "crm.lead",
                                                  "sale.order", "crm.service.ticket",
                                                  "account.invoice"))]}
# Odoo's own methods, tried above or not doors on records
NOT_DOORS = frozenset(("create", "write", "unlink", "copy", "read", "search",
                       "search_read", "search_count", "name_search", "read_group",
                       "export_data", "load", "default_get", "fields_get",
                       "fields_view_get", "onchange", "name_create", "name_get",
                       "message_post", "toggle_active", "get_formview_action"))


def public_methods(model):
    """Names of the public record methods our addons define on ``model``."""
    names = set()
    for klass in type(model).__mro__:
        if not (klass.__module__ or "").startswith(
                tuple("odoo.addons.%s." % addon for addon in OURS)):
            continue
        for name, function in vars(klass).items():
            if name.startswith("_") or name in NOT_DOORS or \
                    not inspect.isfunction(function):
                continue
            if getattr(function, "_api", None) in ("model", "model_create"):
                continue  # model methods take no records
            names.add(name)
    return sorted(names)


class TestIdorRegistry(HttpCase):

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        cls.users = {
            role: cls.new_user("idor_registry_%s" % role,
                               (["base.group_user"] if role != "portal" else [])
                               + groups, password=PASSWORD)
            for role, groups in ROLES.items()}
        # an attachment of another rep's customer (the demo data has none)
        owner = cls.new_user("idor_registry_owner", ["sales_team.group_sale_salesman"])
        partner = cls.env["res.partner"].create({
            "name": "IDOR Registry Customer", "customer": True, "is_company": True,
            "user_id": owner.id})
        cls.env["ir.attachment"].create({
            "name": "idor-registry.txt", "datas_fname": "idor-registry.txt",
            "datas": "SURPUg==", "res_model": "res.partner", "res_id": partner.id})

    @classmethod
    def models(cls):
        names = set(ODOO_MODELS)
        for name, model in cls.env.registry.models.items():
            if getattr(model, "_original_module", None) in OURS and model._auto \
                    and not model._transient and not model._abstract:
                names.add(name)
        return sorted(names)

    def hidden_record(self, model, user):
        """A record of ``model`` (demo data) that ``user`` cannot read, or None."""
        every = self.env[model].with_context(active_test=False).search(
            DOMAINS.get(model, []), limit=500, order="id")
        if not every:
            return None
        try:
            seen = self.env[model].sudo(user).with_context(active_test=False).search(
                [("id", "in", every.ids)])
        except Exception:  # pylint: disable=broad-except
            seen = self.env[model]  # no read access at all: every record is hidden
        hidden = every - seen
        return hidden[:1] or None

    def state(self, records):
        env = api.Environment(self.cr, SUPERUSER_ID, {"active_test": False})
        rows = []
        for record in records:
            found = env[record._name].browse(record.id).exists()
            stamp = found.read(["write_date"])[0]["write_date"] \
                if found and "write_date" in found._fields else bool(found)
            rows.append((record._name, record.id, str(stamp)))
        return sorted(rows)

    def doors(self, record):
        model = record._name
        fields = record._fields
        vals = {"name": "IDOR forged"} if "name" in fields and fields["name"].store \
            and fields["name"].type == "char" else {"active": False} \
            if "active" in fields else {}
        doors = [("read", [["display_name"]], {}), ("name_get", [], {}),
                 ("unlink", [], {}), ("copy", [], {}),
                 ("export_data", [["id"]], {})]
        if vals:
            doors.append(("write", [vals], {}))
        if "message_post" in dir(type(record)):
            doors.append(("message_post", [], {"body": "IDOR registry note"}))
        doors += [(name, [], {}) for name in public_methods(self.env[model])]
        return doors

    def test_every_door_of_every_model_is_shut(self):
        proxy = xmlrpc.client.ServerProxy(self.base_url + "/xmlrpc/2/object",
                                          allow_none=True)
        targets, plan = [], []
        for model in self.models():
            for role, user in self.users.items():
                record = self.hidden_record(model, user)
                if record:
                    targets.append(record)
                    plan.append((user, record))
        before = self.state(targets)
        attempts, open_doors, errors, covered = 0, [], [], set()
        with self.served():
            for user, record in plan:
                covered.add(record._name)
                for method, args, kwargs in self.doors(record):
                    attempt = "%s %s(%d).%s" % (user.login, record._name, record.id,
                                                method)
                    attempts += 1
                    try:
                        proxy.execute_kw(get_db_name(), user.id, PASSWORD,
                                         record._name, method, [record.ids] + args,
                                         kwargs)
                        open_doors.append(attempt)
                    except xmlrpc.client.Fault as fault:
                        # 4: an access error, 2: a user error; 1: a server error
                        if fault.faultCode not in (2, 4):
                            errors.append("%s: %s" % (attempt, fault.faultString))
        self.assertEqual(open_doors, [], "%d doors open" % len(open_doors))
        self.assertEqual(errors, [])
        self.env.clear()
        self.assertEqual(self.state(targets), before)
        # the sweep reaches far: most of our models, every listed Odoo model
        self.assertTrue(set(ODOO_MODELS) <= covered, set(ODOO_MODELS) - covered)
        self.assertGreater(len(covered), 50)
        self.assertGreater(attempts, 1500)
        print("IDOR registry: %d attempts on %d models, %d (user, record) pairs"
              % (attempts, len(covered), len(plan)))
