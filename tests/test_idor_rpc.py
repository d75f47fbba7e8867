"""IDOR over real XML-RPC and JSON-RPC (issue 13): ordinary users of each role call
every public door on records outside their scope, through a real HTTP server; each
attempt is refused (or, for searches, finds nothing), and the records are unchanged
afterwards. Bad input over the wire comes back as a clear fault, never a traceback."""
import json
import urllib.error
import urllib.request
import xmlrpc.client

from odoo.tests.common import get_db_name

from odoo.addons.crm_core.tests.http_case import ClientErrorsQuietHandler, HttpCase

PASSWORD = "idor-Secret-2026"
# (method, args after the ids, kwargs): every public door on records
RECORD_DOORS = (
    ("read", [["display_name"]], {}),
    ("read", [["no_such_field"]], {}),
    ("name_get", [], {}),
    ("write", [{"name": "IDOR forged"}], {}),
    ("unlink", [], {}),
    ("copy", [], {}),
    ("export_data", [["name"]], {}),
    ("message_post", [], {"body": "IDOR note"}),
    ("toggle_active", [], {}),
)


class TestIdorRpc(HttpCase):

    request_handler = ClientErrorsQuietHandler

    @classmethod
    def _create_records(cls):
        env = cls.env
        team_a = env["crm.team"].create({"name": "IDOR Team A"})
        team_b = env["crm.team"].create({"name": "IDOR Team B"})
        cls.rep_a = cls.user("idor_rep_a", ["sales_team.group_sale_salesman"],
                             sale_team_id=team_a.id)
        cls.rep_b = cls.user("idor_rep_b", ["sales_team.group_sale_salesman"],
                             sale_team_id=team_b.id)
        cls.leader_a = cls.user("idor_leader_a", ["crm_core.group_sale_team_leader"],
                                sale_team_id=team_a.id)
        team_a.user_id = cls.leader_a
        cls.agent_a = cls.user("idor_service_a", ["crm_core.group_service_agent"])
        cls.agent_b = cls.user("idor_service_b", ["crm_core.group_service_agent"])
        cls.portal = cls.user("idor_portal", ["base.group_portal"])
        partner = env["res.partner"].create({
            "name": "IDOR Customer of B", "customer": True, "is_company": True,
            "user_id": cls.rep_b.id, "team_id": team_b.id})
        lead = env["crm.lead"].create({
            "name": "IDOR Deal of B", "type": "opportunity", "user_id": cls.rep_b.id,
            "team_id": team_b.id, "partner_id": partner.id})
        order = env["sale.order"].create({
            "partner_id": partner.id, "user_id": cls.rep_b.id,
            "team_id": team_b.id})
        followup = env["crm.followup"].create({
            "partner_id": partner.id, "user_id": cls.rep_b.id,
            "summary": "IDOR call of B",
            "channel_id": env.ref("crm_core.dictionary_followup_channel_phone").id})
        attachment = env["ir.attachment"].create({
            "name": "idor.txt", "datas_fname": "idor.txt", "datas": "SURPUg==",
            "res_model": "res.partner", "res_id": partner.id})
        service_b = env["crm.service.team"].create({
            "name": "IDOR Service B", "member_ids": [(6, 0, cls.agent_b.ids)]})
        ticket = env["crm.service.ticket"].create({
            "name": "IDOR ticket of B", "partner_id": partner.id,
            "team_id": service_b.id, "user_id": cls.agent_b.id})
        cls.targets = {
            "res.partner": partner, "crm.lead": lead, "sale.order": order,
            "crm.followup": followup, "ir.attachment": attachment,
            "crm.service.ticket": ticket,
        }
        # who must not reach which: the other team's rep, the service agent of
        # another team, a portal user
        cls.outsiders = {
            "res.partner": (cls.rep_a, cls.portal),
            "crm.lead": (cls.rep_a, cls.leader_a, cls.agent_a, cls.portal),
            "sale.order": (cls.rep_a, cls.leader_a, cls.portal),
            "crm.followup": (cls.rep_a, cls.leader_a, cls.portal),
            "ir.attachment": (cls.rep_a, cls.portal),
            "crm.service.ticket": (cls.rep_a, cls.agent_a, cls.portal),
        }

    @classmethod
    def user(cls, login, groups, **vals):
        return cls.new_user(login, groups, password=PASSWORD, **vals)

    def snapshot(self):
        self.env.clear()
        return {model: (record.exists().read(["display_name", "write_date"])
                        if record.exists() else None)
                for model, record in self.targets.items()}

    def xmlrpc(self, user, model, method, args, kwargs):
        proxy = xmlrpc.client.ServerProxy(self.base_url + "/xmlrpc/2/object",
                                          allow_none=True)
        return proxy.execute_kw(get_db_name(), user.id, PASSWORD, model, method,
                                args, kwargs)

    def jsonrpc(self, user, model, method, args, kwargs):
        body = json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"service": "object", "method": "execute_kw",
                       "args": [get_db_name(), user.id, PASSWORD, model, method,
                                args, kwargs]}}).encode("utf-8")
        request = urllib.request.Request(self.base_url + "/jsonrpc", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            self.assertEqual(answer.status, 200)
            return json.loads(answer.read().decode("utf-8"))

    def finds_nothing(self, user, model, method, args):
        """Over both protocols: an access error, or an empty answer."""
        try:
            found = self.xmlrpc(user, model, method, args, {})
        except xmlrpc.client.Fault as fault:
            # Odoo's XML-RPC fault code of an AccessError
            self.assertEqual(fault.faultCode, 4, fault.faultString)
        else:
            self.assertIn(self.count_of(found), (0, []),
                          "%s %s.%s found %r" % (user.login, model, method, found))
        answer = self.jsonrpc(user, model, method, args, {})
        if "error" in answer:
            self.assertEqual(answer["error"]["data"]["name"],
                             "odoo.exceptions.AccessError")
        else:
            self.assertIn(self.count_of(answer["result"]), (0, []),
                          "%s %s.%s found %r" % (user.login, model, method, answer))

    @staticmethod
    def count_of(found):
        """read_group answers one group even when it counts nothing."""
        if isinstance(found, list) and len(found) == 1 and isinstance(found[0], dict) \
                and "__count" in found[0]:
            return found[0]["__count"]
        return found

    def refused_xmlrpc(self, user, model, method, args, kwargs=None):
        with self.assertRaises(xmlrpc.client.Fault, msg="%s %s.%s" % (
                user.login, model, method)) as caught:
            self.xmlrpc(user, model, method, args, kwargs or {})
        # 2: a warning (user or validation error), 4: an access error; 1 would be
        # an application error
        self.assertIn(caught.exception.faultCode, (2, 4), "%s %s.%s: %s" % (
            user.login, model, method, caught.exception.faultString))
        return caught.exception.faultString

    def refused_jsonrpc(self, user, model, method, args, kwargs=None):
        answer = self.jsonrpc(user, model, method, args, kwargs or {})
        self.assertIn("error", answer, "%s %s.%s answered %r" % (
            user.login, model, method, answer.get("result")))
        return answer["error"]["data"]

    def test_every_door_on_records_outside_the_scope_is_shut(self):
        before = self.snapshot()
        attempts = 0
        open_doors = []
        with self.served():
            for model, record in self.targets.items():
                for user in self.outsiders[model]:
                    # searching finds nothing (or the model is closed to the role)
                    for method, args in (
                            ("search_count", [[("id", "=", record.id)]]),
                            ("search_read", [[("id", "=", record.id)], ["id"]]),
                            ("read_group", [[("id", "=", record.id)],
                                            ["create_uid"], ["create_uid"]]),
                            ("name_search", [record.display_name])):
                        self.finds_nothing(user, model, method, args)
                        attempts += 2
                    for method, args, kwargs in RECORD_DOORS:
                        if model == "ir.attachment" and method == "message_post":
                            continue
                        attempt = "%s %s.%s" % (user.login, model, method)
                        try:
                            self.xmlrpc(user, model, method, [record.ids] + args,
                                        kwargs)
                            open_doors.append("XML-RPC " + attempt)
                        except xmlrpc.client.Fault as fault:
                            # 2: a user or validation error, 4: an access error
                            # (1, an application error, would be a bug)
                            self.assertIn(fault.faultCode, (2, 4), attempt)
                        answer = self.jsonrpc(user, model, method,
                                              [record.ids] + args, kwargs)
                        if "error" not in answer:
                            open_doors.append("JSON-RPC " + attempt)
                        else:
                            self.assertIn(answer["error"]["data"]["name"], (
                                "odoo.exceptions.AccessError",
                                "odoo.exceptions.MissingError",
                                "odoo.exceptions.UserError",
                                "odoo.exceptions.ValidationError"), attempt)
                        attempts += 2
        self.assertEqual(open_doors, [])
        self.assertEqual(self.snapshot(), before)
        self.assertGreater(attempts, 250)

    def test_the_owner_reaches_what_the_outsiders_cannot(self):
        """The same doors work for the owner: the refusals are about scope."""
        with self.served():
            rows = self.xmlrpc(self.rep_b, "crm.lead", "read",
                               [self.targets["crm.lead"].ids, ["name"]], {})
            self.assertEqual(rows[0]["name"], "IDOR Deal of B")
            answer = self.jsonrpc(self.rep_b, "res.partner", "search_count",
                                  [[("id", "=", self.targets["res.partner"].id)]],
                                  {})
            self.assertEqual(answer["result"], 1)

    def test_bad_input_over_the_wire_is_a_clear_fault(self):
        lead = self.targets["crm.lead"]
        with self.served():
            cases = (
                ("write", [lead.ids, {"planned_revenue": "lots"}], "number"),
                ("write", [lead.ids, {"priority": "9"}], "one of"),
                ("search", [[("id", "=", "abc")]], "could not use"),
                ("no_such_method", [lead.ids], "no method"),
                ("action_set_won", [lead.ids, "extra", "more"], "arguments"),
            )
            for method, args, expected in cases:
                fault = self.refused_xmlrpc(self.rep_b, "crm.lead", method, args,
                                            {"context": {"lang": "en_US"}})
                self.assertIn(expected, fault, method)
                self.assertNotIn("Traceback", fault.split("\n")[0], method)
                error = self.refused_jsonrpc(self.rep_b, "crm.lead", method, args,
                                             {"context": {"lang": "en_US"}})
                self.assertIn(expected, error["message"], method)
                self.assertNotIn(error["name"], ("builtins.TypeError",
                                                 "builtins.ValueError",
                                                 "psycopg2.DataError"))
            # a NUL byte: JSON carries it and gets a clear error; XML cannot,
            # and a body that is no XML-RPC call is a 400, not a 500
            error = self.refused_jsonrpc(self.rep_b, "crm.lead", "write",
                                         [lead.ids, {"name": "x\x00y"}],
                                         {"context": {"lang": "en_US"}})
            self.assertIn("NUL", error["message"])
            with self.assertRaises(xmlrpc.client.ProtocolError) as caught:
                self.xmlrpc(self.rep_b, "crm.lead", "write",
                            [lead.ids, {"name": "x\x00y"}], {})
            self.assertEqual(caught.exception.errcode, 400)
            request = urllib.request.Request(
                self.base_url + "/xmlrpc/2/object", data=b"<methodCall><broken",
                headers={"Content-Type": "text/xml"})
            with self.assertRaises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request, timeout=60)
            self.assertEqual(caught.exception.code, 400)
        self.assertEqual(lead.name, "IDOR Deal of B")
