"""End to end in a real browser: a sales rep claims a customer from the open pool
(公海) in the web client, and a rep at the pool's cap is refused with a clear message.
"""
from .browser_case import PASSWORD, BrowserCase


class TestBrowserClaim(BrowserCase):

    @classmethod
    def _create_records(cls):
        cls.team = cls.env["crm.team"].create({"name": "Browser Pool Team"})
        cls.pool = cls.env["crm.pool"].create({
            "name": "Browser Pool",
            "team_ids": [(6, 0, cls.team.ids)],
            "max_owned": 2,
        })
        salesman = ["base.group_user", "sales_team.group_sale_salesman"]
        cls.rep = cls.new_user("browser_rep", salesman, sale_team_id=cls.team.id,
                               password=PASSWORD, lang="en_US")
        cls.full_rep = cls.new_user("browser_full_rep", salesman,
                                    sale_team_id=cls.team.id, password=PASSWORD,
                                    lang="en_US")
        for user in cls.rep | cls.full_rep:
            cls.env["crm.pool.member"].create({"pool_id": cls.pool.id,
                                               "user_id": user.id})
        cls.free = cls._customer("Browser Claim Co")
        cls.capped = cls._customer("Browser Cap Co")
        for name in ("Browser Owned One", "Browser Owned Two"):
            cls._customer(name, user_id=cls.full_rep.id)

    @classmethod
    def _customer(cls, name, **vals):
        values = {"name": name, "customer": True, "is_company": True,
                  "pool_id": cls.pool.id}
        values.update(vals)
        return cls.env["res.partner"].create(values)

    def run_claim(self, user, customer, expect):
        """Log in as ``user`` in chromium and claim ``customer`` from the Customer
        Pool menu; return what the browser saw."""
        return self.run_flow("claim_flow.js", user, customer=customer.name,
                             expect=expect)

    def pool_logs(self, customer):
        return self.env["crm.pool.log"].search([("partner_id", "=", customer.id)])

    def test_rep_claims_a_pool_customer_in_the_browser(self):
        seen = self.run_claim(self.rep, self.free, "claimed")
        self.assertEqual(seen["status_before"]["value"], "pool")
        self.assertEqual(seen["status_after"]["value"], "owned")
        self.assertTrue(any(self.free.name in row for row in seen["my_customers"]),
                        seen["my_customers"])
        self.assertEqual(self.free.pool_state, "owned")
        self.assertEqual(self.free.user_id, self.rep)
        log = self.pool_logs(self.free)
        self.assertEqual(log.mapped("action"), ["claim"])
        self.assertEqual((log.owner_id, log.user_id, log.pool_id),
                         (self.rep, self.rep, self.pool))

    def test_rep_at_the_cap_is_refused_in_the_browser(self):
        seen = self.run_claim(self.full_rep, self.capped, "denied")
        # Odoo 11 titles every refusal "Odoo Server Error - Warning"; what tells a
        # refusal from a crash is the body: the message alone, no traceback.
        self.assertEqual(seen["dialog_kind"], "warning", seen)
        self.assertTrue(seen["dialog_title"].endswith("Warning"), seen)
        self.assertEqual(seen["dialog"],
                         "You may own at most 2 customers of the pool Browser Pool.")
        self.assertEqual(seen["status_after"]["value"], "pool")
        self.assertEqual(self.capped.pool_state, "pool")
        self.assertFalse(self.capped.user_id)
        self.assertFalse(self.pool_logs(self.capped))
        owned = self.env["res.partner"].search_count(
            [("pool_id", "=", self.pool.id), ("user_id", "=", self.full_rep.id)])
        self.assertEqual(owned, 2)
