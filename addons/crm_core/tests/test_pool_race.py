"""Two reps claim the same customer at the same moment: exactly one wins and the
other gets a clear message; a rep's cap holds under concurrent claims. The
transactions are real (committed), as in production, and cleaned up afterwards."""
import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests.common import TransactionCase


class TestClaimRace(TransactionCase):
    """Odoo runs requests in REPEATABLE READ and retries one that fails with a
    serialization error. The second claim starts before the first commits and
    touches the same rows after: PostgreSQL refuses it; its retry sees the truth."""

    def setUp(self):
        super(TestClaimRace, self).setUp()
        self.ids = {}
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            team = env["crm.team"].create({"name": "Race Team"})
            group_ids = [env.ref("base.group_user").id,
                         env.ref("sales_team.group_sale_salesman").id]
            users = [env["res.users"].with_context(no_reset_password=True).create({
                "name": "Race %d" % n, "login": "race_rep_%d" % n, "lang": "en_US",
                "sale_team_id": team.id, "groups_id": [(6, 0, group_ids)]})
                for n in (1, 2)]
            pool = env["crm.pool"].create({"name": "Race Pool", "max_owned": 1,
                                           "team_ids": [(6, 0, team.ids)]})
            partners = [env["res.partner"].create({
                "name": "Race Customer %d" % n, "customer": True, "is_company": True,
                "pool_id": pool.id}) for n in (1, 2)]
            self.ids = {"team": team.id, "users": [u.id for u in users],
                        "pool": pool.id, "partners": [p.id for p in partners]}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["crm.pool.log"].search([("pool_id", "=", self.ids["pool"])]).unlink()
            env["res.partner"].browse(self.ids["partners"]).unlink()
            env["crm.pool"].browse(self.ids["pool"]).unlink()
            users = env["res.users"].browse(self.ids["users"])
            partners = users.mapped("partner_id")
            users.unlink()
            partners.unlink()
            env["crm.team"].browse(self.ids["team"]).unlink()

    def _claim(self, cr, user_id, partner_id):
        env = api.Environment(cr, user_id, {"tracking_disable": True})
        env["res.partner"].browse(partner_id).action_pool_claim()

    def _race(self, first_user, second_user, first_partner, second_partner):
        """The second transaction takes its snapshot, the first claims and commits,
        then the second claims; returns the second's outcome after Odoo's retry."""
        cr_first = self.registry.cursor()
        cr_second = self.registry.cursor()
        try:
            cr_second.execute("SELECT pool_state FROM res_partner WHERE id = %s",
                              (second_partner,))
            self._claim(cr_first, first_user, first_partner)
            cr_first.commit()
            with self.assertRaises(psycopg2.extensions.TransactionRollbackError):
                self._claim(cr_second, second_user, second_partner)
            cr_second.rollback()  # what Odoo's retry does, then it runs again
            with self.assertRaises(UserError) as caught:
                self._claim(cr_second, second_user, second_partner)
            cr_second.rollback()
            return caught.exception
        finally:
            cr_first.close()
            cr_second.close()

    def _owners(self):
        with self.registry.cursor() as cr:
            cr.execute("SELECT id, user_id, pool_state FROM res_partner WHERE id IN %s",
                       (tuple(self.ids["partners"]),))
            return {row[0]: (row[1], row[2]) for row in cr.fetchall()}

    def test_two_reps_claim_the_same_customer(self):
        rep1, rep2 = self.ids["users"]
        partner = self.ids["partners"][0]
        error = self._race(rep1, rep2, partner, partner)
        self.assertIn("Already claimed", error.name)
        self.assertEqual(self._owners()[partner], (rep1, "owned"))
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM crm_pool_log WHERE partner_id = %s "
                       "AND action = 'claim'", (partner,))
            self.assertEqual(cr.fetchone()[0], 1)

    def test_cap_holds_under_concurrent_claims(self):
        rep1 = self.ids["users"][0]
        first, second = self.ids["partners"]
        error = self._race(rep1, rep1, first, second)
        self.assertIn("at most 1 customers", error.name)
        owners = self._owners()
        self.assertEqual(owners[first], (rep1, "owned"))
        self.assertEqual(owners[second], (None, "pool"))
