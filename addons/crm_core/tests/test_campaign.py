"""Campaigns (B1, B9): the status lifecycle, checked periods and amounts, and who
may change which campaign, as ordinary users: a marketing manager manages every
campaign, a campaign lead (marketing user) reads all and manages their own, a
salesperson reads campaigns and changes none."""
from odoo.exceptions import AccessError, UserError, ValidationError

from .marketing_fixtures import MarketingCase


class TestCampaign(MarketingCase):

    def test_lifecycle(self):
        campaign = self.campaign("Lifecycle Fair")
        self.assertEqual(campaign.state, "draft")
        campaign.sudo(self.marketer).action_plan()
        campaign.sudo(self.marketer).action_start()
        self.assertEqual(campaign.state, "running")
        with self.assertRaisesRegex(UserError, "Plan: not possible"):
            campaign.action_plan()
        campaign.action_done()
        self.assertEqual(campaign.state, "done")
        with self.assertRaises(UserError):
            campaign.action_cancel()
        other = self.campaign("Cancelled Fair")
        other.action_cancel()
        other.action_draft()
        self.assertEqual(other.state, "draft")

    def test_bad_input_names_the_field(self):
        with self.assertRaisesRegex(ValidationError, "End Date"), \
                self.env.cr.savepoint():
            self.campaign("Backwards", date_start="2026-05-10", date_end="2026-05-01")
        with self.assertRaisesRegex(ValidationError, "Budget: cannot be negative"), \
                self.env.cr.savepoint():
            self.campaign("Negative", budget=-5)
        self.assertFalse(self.env["utm.campaign"].search(
            [("name", "in", ("Backwards", "Negative"))]))

    def test_campaign_lead_manages_own_reads_others(self):
        mine = self.campaign("Mine", owner=self.marketer)
        theirs = self.campaign("Theirs", owner=self.marketer2)
        as_marketer = self.env["utm.campaign"].sudo(self.marketer)
        as_marketer.browse(mine.id).write({"budget": 500.0})
        self.assertEqual(mine.budget, 500.0)
        self.assertEqual(as_marketer.browse(theirs.id).name, "Theirs")
        with self.assertRaises(AccessError):
            as_marketer.browse(theirs.id).write({"budget": 1.0})
        with self.assertRaises(AccessError):
            as_marketer.browse(theirs.id).action_start()
        with self.assertRaises(AccessError):
            as_marketer.create({"name": "For someone else",
                                "user_id": self.marketer2.id})
        created = as_marketer.create({"name": "New of mine"})
        self.assertEqual(created.user_id, self.marketer)

    def test_manager_manages_all(self):
        theirs = self.campaign("Managed", owner=self.marketer2)
        as_manager = self.env["utm.campaign"].sudo(self.mkt_manager)
        as_manager.browse(theirs.id).write({"budget": 900.0})
        as_manager.browse(theirs.id).action_start()
        self.assertEqual(theirs.state, "running")
        as_manager.browse(theirs.id).unlink()
        self.assertFalse(theirs.exists())

    def test_salesperson_reads_but_changes_nothing(self):
        campaign = self.campaign("Read Only", owner=self.marketer)
        as_rep = self.env["utm.campaign"].sudo(self.rep)
        self.assertEqual(as_rep.browse(campaign.id).name, "Read Only")
        self.assertIn(campaign, as_rep.search([("name", "=", "Read Only")]))
        with self.assertRaises(AccessError):
            as_rep.browse(campaign.id).write({"name": "Mine now"})
        with self.assertRaises(AccessError):
            as_rep.browse(campaign.id).unlink()
        # the results are marketing's: hidden from the form, refused on read
        with self.assertRaises(AccessError):
            as_rep.browse(campaign.id).read(["roi"])
        form = as_rep.fields_view_get(
            view_id=self.env.ref("crm_core.utm_campaign_view_form").id,
            view_type="form")
        self.assertNotIn('name="roi"', form["arch"])
        self.assertIn('name="budget"', self.env["utm.campaign"].sudo(
            self.marketer).fields_view_get(view_id=self.env.ref(
                "crm_core.utm_campaign_view_form").id, view_type="form")["arch"])
        # a salesperson can still put the campaign on a lead
        lead = self.env["crm.lead"].sudo(self.rep).create(
            {"name": "From the fair", "campaign_id": campaign.id})
        self.assertEqual(lead.campaign_id, campaign)

    def test_roi_report_readable_by_marketing_not_by_salespeople(self):
        self.campaign("Report Rights")
        report = self.env["crm.campaign.roi.report"]
        fields = ["cost", "campaign_id"]
        report.sudo(self.marketer).read_group([], fields, ["campaign_id"])
        with self.assertRaises(AccessError):
            report.sudo(self.rep).read_group([], fields, ["campaign_id"])
