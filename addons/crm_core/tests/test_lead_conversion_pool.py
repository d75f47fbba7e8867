"""Pool-aware qualification, as ordinary users: converting a lead for a customer in
the pool claims it through the pool's own claim (a refused claim refuses the
conversion and writes nothing); a customer owned by someone else refuses a rep,
naming the owner, while a team leader converts and the opportunity goes to the
owner; a customer the conversion creates belongs to the converting rep."""
from odoo.exceptions import UserError

from .test_pool import PoolCase


class TestLeadConversionPool(PoolCase):

    @classmethod
    def setUpClass(cls):
        super(TestLeadConversionPool, cls).setUpClass()
        cls.manager = cls.new_user(
            "conv_manager", ["base.group_user", "sales_team.group_sale_manager"])

    def lead(self, name, user, partner=None, **vals):
        values = {"name": name, "type": "lead", "team_id": self.team.id,
                  "user_id": user.id if user else False,
                  "partner_id": partner.id if partner else False}
        values.update(vals)
        return self.env["crm.lead"].create(values)

    def convert(self, lead, user, action="exist", partner=None, salesperson=None):
        """What the "Convert to Opportunity" dialog does for ``user``."""
        Wizard = self.env["crm.lead2opportunity.partner"].sudo(user).with_context(
            active_model="crm.lead", active_id=lead.id, active_ids=lead.ids)
        values = {"name": "convert", "action": action}
        if partner:
            values["partner_id"] = partner.id
        wizard = Wizard.create(values)
        if salesperson is not None:
            wizard.user_id = salesperson
        return wizard.action_apply()

    def logs(self, partner):
        return self.env["crm.pool.log"].search([("partner_id", "=", partner.id)])

    def assertUnconverted(self, lead, partner=None):
        self.assertEqual(lead.type, "lead")
        self.assertEqual(lead.partner_id, partner or lead.partner_id.browse())

    # --- a customer waiting in the pool --------------------------------------------

    def test_a_rep_converting_for_a_pool_customer_claims_it(self):
        customer = self.customer("Conv Pool Co")
        lead = self.lead("Conv pool", self.rep1)
        self.convert(lead, self.rep1, partner=customer)
        self.assertEqual((lead.type, lead.partner_id, lead.user_id),
                         ("opportunity", customer, self.rep1))
        self.assertEqual((customer.pool_state, customer.user_id),
                         ("owned", self.rep1))
        log = self.logs(customer)
        self.assertEqual((log.action, log.owner_id, log.user_id),
                         ("claim", self.rep1, self.rep1))

    def test_an_unassigned_lead_goes_to_the_rep_who_claims(self):
        customer = self.customer("Conv Unassigned Co")
        lead = self.lead("Conv unassigned", None, partner=customer)
        self.convert(lead, self.rep1)
        self.assertEqual((lead.type, lead.user_id, customer.user_id),
                         ("opportunity", self.rep1, self.rep1))

    def test_a_rep_at_the_cap_cannot_convert_and_nothing_is_written(self):
        for index in range(3):
            self.customer("Conv Owned %d" % index, owner=self.rep1)
        customer = self.customer("Conv Cap Co")
        lead = self.lead("Conv cap", self.rep1)
        with self.assertRaisesRegex(UserError, "at most 3 customers"):
            self.convert(lead, self.rep1, partner=customer)
        self.assertUnconverted(lead)
        self.assertEqual(customer.pool_state, "pool")
        self.assertFalse(self.logs(customer))

    def test_the_daily_claim_cap_refuses_the_conversion(self):
        self.claim(self.customer("Conv Day 1") | self.customer("Conv Day 2"),
                   self.rep1)
        customer = self.customer("Conv Day 3")
        lead = self.lead("Conv day", self.rep1, partner=customer)
        with self.assertRaisesRegex(UserError, "at most 2 customers a day"):
            self.convert(lead, self.rep1)
        self.assertUnconverted(lead, customer)
        self.assertEqual(customer.pool_state, "pool")

    def test_a_rep_outside_the_pool_cannot_claim_by_converting(self):
        customer = self.customer("Conv Outside Co")
        lead = self.lead("Conv outside", self.rep3, team_id=self.other_team.id)
        with self.assertRaisesRegex(UserError, "not a member of the pool"):
            self.convert(lead, self.rep3, partner=customer)
        self.assertUnconverted(lead)

    def test_a_manager_claims_for_the_chosen_salesperson(self):
        customer = self.customer("Conv Manager Co")
        lead = self.lead("Conv manager", None)
        self.convert(lead, self.manager, partner=customer, salesperson=self.rep2)
        self.assertEqual((lead.user_id, customer.user_id), (self.rep2, self.rep2))
        log = self.logs(customer)
        self.assertEqual((log.action, log.owner_id, log.user_id),
                         ("claim", self.rep2, self.manager))

    # --- a customer owned by someone --------------------------------------------------

    def test_a_rep_cannot_convert_for_a_colleagues_customer(self):
        customer = self.customer("Conv Colleague Co", owner=self.rep2)
        lead = self.lead("Conv colleague", self.rep1)
        with self.assertRaisesRegex(UserError, "belongs to Pool Rep2: ask them"):
            self.convert(lead, self.rep1, partner=customer)
        self.assertUnconverted(lead)
        self.assertEqual(customer.user_id, self.rep2)

    def test_a_lead_already_linked_to_a_colleagues_customer_is_refused_too(self):
        customer = self.customer("Conv Linked Co", owner=self.rep2)
        lead = self.lead("Conv linked", self.rep1, partner=customer)
        with self.assertRaisesRegex(UserError, "Pool Rep2"):
            self.convert(lead, self.rep1, action="create")
        self.assertUnconverted(lead, customer)

    def test_a_team_leader_converts_and_the_owner_gets_the_opportunity(self):
        customer = self.customer("Conv Leader Co", owner=self.rep2)
        lead = self.lead("Conv leader", self.leader)
        self.convert(lead, self.leader, partner=customer)
        self.assertEqual((lead.type, lead.partner_id, lead.user_id),
                         ("opportunity", customer, self.rep2))
        self.assertEqual(customer.user_id, self.rep2)
        self.assertFalse(self.logs(customer))

    def test_a_rep_converts_for_own_customer(self):
        customer = self.customer("Conv Own Co", owner=self.rep1)
        lead = self.lead("Conv own", self.rep1)
        self.convert(lead, self.rep1, partner=customer)
        self.assertEqual((lead.type, lead.user_id), ("opportunity", self.rep1))
        self.assertFalse(self.logs(customer))

    # --- a new customer -------------------------------------------------------------

    def test_a_new_customer_belongs_to_the_converting_rep(self):
        lead = self.lead("Conv new", None, partner_name="Conv Brand New Co",
                         contact_name="Zhang San", email_from="zhang@brandnew.cn")
        self.convert(lead, self.rep1, action="create")
        company = lead.partner_id.commercial_partner_id
        self.assertEqual(company.name, "Conv Brand New Co")
        self.assertEqual((company.user_id, company.pool_state),
                         (self.rep1, "owned"))
        self.assertEqual(lead.user_id, self.rep1)
        contact = lead.partner_id
        self.assertEqual((contact.name, contact.parent_id), ("Zhang San", company))
        self.assertEqual(contact.scope_user_id, self.rep1,
                         "the contact is in its company's scope from the start")

    def test_a_rep_creates_a_customer_and_its_contact(self):
        """Odoo computes a new partner's columns with writes the data-scope rule
        checks: the scope columns are in the INSERT, so the rule lets them pass."""
        Partner = self.env["res.partner"].sudo(self.rep1)
        company = Partner.create({"name": "Conv Rep Made Co", "is_company": True})
        contact = Partner.create({"name": "Li Si", "parent_id": company.id})
        self.assertEqual((company.user_id, company.scope_user_id, company.pool_state),
                         (self.rep1, self.rep1, "owned"))
        self.assertEqual(contact.scope_user_id, self.rep1)
        self.assertEqual(Partner.search([("id", "in", (company | contact).ids)]),
                         company | contact)

    # --- other paths ----------------------------------------------------------------

    def test_the_direct_conversion_claims_and_refuses_the_same_way(self):
        """crm.lead.convert_opportunity, which Odoo's "convert" mail link calls."""
        waiting = self.customer("Conv Direct Pool Co")
        lead = self.lead("Conv direct", self.rep1, partner=waiting)
        lead.sudo(self.rep1).convert_opportunity(waiting.id)
        self.assertEqual((lead.type, waiting.user_id), ("opportunity", self.rep1))
        owned = self.customer("Conv Direct Owned Co", owner=self.rep2)
        other = self.lead("Conv direct 2", self.rep1)
        with self.assertRaisesRegex(UserError, "Pool Rep2"):
            other.sudo(self.rep1).convert_opportunity(owned.id)
        self.assertUnconverted(other)

    def test_the_mass_conversion_claims_each_lead_customer(self):
        first, second = self.customer("Conv Mass 1"), self.customer("Conv Mass 2")
        leads = self.lead("Conv mass 1", self.rep1, partner=first) \
            | self.lead("Conv mass 2", self.rep1, partner=second)
        wizard = self.env["crm.lead2opportunity.partner.mass"].sudo(
            self.rep1).with_context(active_model="crm.lead", active_id=leads[0].id,
                                    active_ids=leads.ids).create({"deduplicate": False})
        wizard.mass_convert()
        self.assertEqual(set(leads.mapped("type")), {"opportunity"})
        self.assertEqual((first | second).mapped("user_id"), self.rep1)
