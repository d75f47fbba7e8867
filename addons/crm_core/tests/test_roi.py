"""Campaign ROI down to cash (B7, §3-10, H5): the cost from vendor bills charged
to the campaign, the revenue from the paid invoices of its orders, refunds
lowering it, first- and last-touch attribution, and the campaign's figures read
in one grouped query. Amounts add up by hand; no taxes."""
from .marketing_fixtures import MarketingCase


class TestCampaignRoi(MarketingCase):

    def figures(self, campaign, attribution="last_touch"):
        groups = self.env["crm.campaign.roi.report"].read_group(
            [("campaign_id", "=", campaign.id), ("attribution", "=", attribution)],
            ["cost", "lead_count", "opportunity_count", "won_count",
             "quotation_count", "order_count", "revenue_invoiced", "revenue_paid",
             "roi", "cost_per_lead", "campaign_id"], ["campaign_id"])
        return groups[0] if groups else {}

    def test_bill_1000_paid_invoice_5000_is_400_percent_refund_is_minus_100(self):
        campaign = self.campaign("ROI Fair")
        self.bill(1000.0, line_campaign=campaign)
        order = self.order(5000.0, campaign=campaign)
        order.action_confirm()
        invoice = self.invoice(order)
        self.assertEqual(invoice.campaign_id, campaign, "H5: the invoice carries it")
        self.pay(invoice)
        self.assertEqual(invoice.state, "paid")
        figures = self.figures(campaign)
        self.assertEqual(figures["cost"], 1000.0)
        self.assertEqual(figures["revenue_invoiced"], 5000.0)
        self.assertEqual(figures["revenue_paid"], 5000.0)
        self.assertAlmostEqual(figures["roi"], 400.0)
        campaign.invalidate_cache()
        self.assertAlmostEqual(campaign.roi, 400.0)
        self.assertEqual(campaign.actual_cost, 1000.0)

        credit_note = self.refund(invoice)
        self.assertEqual(credit_note.campaign_id, campaign)
        figures = self.figures(campaign)
        self.assertEqual(figures["revenue_invoiced"], 0.0, "credited at once")
        self.assertEqual(figures["revenue_paid"], 5000.0,
                         "the money is still with us until it goes back")
        self.pay(credit_note)
        figures = self.figures(campaign)
        self.assertEqual(figures["revenue_paid"], 0.0)
        self.assertAlmostEqual(figures["roi"], -100.0)
        campaign.invalidate_cache()
        self.assertAlmostEqual(campaign.roi, -100.0)

    def test_credit_note_settling_an_unpaid_invoice(self):
        campaign = self.campaign("Cancelled Deal")
        self.bill(1000.0, bill_campaign=campaign)
        order = self.order(5000.0, campaign=campaign)
        order.action_confirm()
        invoice = self.invoice(order)
        refund = self.env["account.invoice.refund"].with_context(
            active_model="account.invoice", active_ids=invoice.ids,
            active_id=invoice.id).create({"filter_refund": "cancel",
                                          "description": "Cancelled"})
        refund.invoice_refund()
        self.assertEqual(invoice.state, "paid", "settled by its credit note")
        figures = self.figures(campaign)
        self.assertEqual((figures["cost"], figures["revenue_invoiced"],
                          figures["revenue_paid"]), (1000.0, 0.0, 0.0))
        self.assertAlmostEqual(figures["roi"], -100.0)

    def test_cost_net_of_vendor_credit_notes_line_campaign_wins(self):
        campaign = self.campaign("Cost Fair")
        other = self.campaign("Other Fair")
        self.bill(1000.0, line_campaign=campaign)
        self.bill(300.0, bill_campaign=campaign)
        self.bill(200.0, line_campaign=other, bill_campaign=campaign)
        self.bill(100.0, line_campaign=campaign, kind="in_refund")
        self.assertEqual(self.figures(campaign)["cost"], 1200.0)
        self.assertEqual(self.figures(other)["cost"], 200.0)

    def test_partial_payments_and_line_credit_notes_follow_crm_finance(self):
        """The report counts an order's revenue as crm.finance does."""
        campaign = self.campaign("Finance Rules")
        gadget = self.service.copy({"name": "ROI Gadget"})
        first = self.order(100.0, campaign=campaign)
        first.write({"order_line": [(0, 0, {
            "product_id": gadget.id, "product_uom_qty": 1, "price_unit": 200.0,
            "tax_id": [(5,)]})]})
        second = self.order(400.0, campaign=campaign)
        first.action_confirm()
        second.action_confirm()
        invoice = self.invoice(first | second)
        self.pay(invoice, 350.0)
        credit_note = invoice.refund(description="Gadget back")
        credit_note.invoice_line_ids.filtered(
            lambda line: line.product_id != gadget).unlink()
        credit_note.compute_taxes()
        credit_note.action_invoice_open()
        amounts = self.env["crm.finance"]._order_amounts(
            "order", (first | second).ids)
        invoiced = sum(values[2] for values in amounts.values())
        paid = sum(values[3] for values in amounts.values())
        figures = self.figures(campaign)
        self.assertAlmostEqual(figures["revenue_invoiced"], invoiced)
        self.assertAlmostEqual(figures["revenue_paid"], paid)
        self.assertAlmostEqual(invoiced, 500.0)
        self.assertAlmostEqual(paid, 350.0)

    def test_first_and_last_touch(self):
        fair = self.campaign("Trade Fair")
        mailing = self.campaign("Spring Mailing")
        # an order from before any campaign reached the customer counts for none
        earlier = self.order(700.0)
        earlier.date_order = "2020-01-01 10:00:00"
        earlier.action_confirm()
        self.pay(self.invoice(earlier))
        lead = self.env["crm.lead"].create({
            "name": "Met at the fair", "type": "opportunity",
            "partner_id": self.customer.id, "campaign_id": fair.id})
        self.assertEqual(lead.first_campaign_id, fair)
        self.assertEqual(self.customer.first_campaign_id, fair)
        lead.write({"campaign_id": mailing.id})
        self.assertEqual(lead.first_campaign_id, fair, "the first touch stays")
        order = self.order(2000.0, campaign=mailing, opportunity_id=lead.id)
        order.action_confirm()
        self.pay(self.invoice(order))
        # a later order of the same customer without an opportunity
        repeat = self.order(500.0, campaign=mailing)
        repeat.action_confirm()
        self.pay(self.invoice(repeat))
        last = self.figures(mailing, "last_touch")
        self.assertEqual((last["lead_count"], last["order_count"],
                          last["revenue_paid"]), (1, 2, 2500.0))
        self.assertFalse(self.figures(fair, "last_touch"))
        first = self.figures(fair, "first_touch")
        self.assertEqual((first["lead_count"], first["order_count"],
                          first["revenue_paid"]), (1, 2, 2500.0))
        self.assertFalse(self.figures(mailing, "first_touch"))
        mailing.invalidate_cache()
        fair.invalidate_cache()
        self.assertEqual((mailing.revenue_paid, mailing.revenue_paid_first),
                         (2500.0, 0.0))
        self.assertEqual((fair.revenue_paid, fair.revenue_paid_first), (0.0, 2500.0))

    def test_counts_cost_per_lead_and_won(self):
        campaign = self.campaign("Counting Fair")
        self.bill(600.0, line_campaign=campaign)
        Lead = self.env["crm.lead"]
        won_stage = self.env["crm.stage"].create(
            {"name": "ROI Won", "probability": 100.0, "on_change": True})
        Lead.create({"name": "L1", "type": "lead", "campaign_id": campaign.id})
        Lead.create({"name": "O1", "type": "opportunity",
                     "campaign_id": campaign.id})
        Lead.create({"name": "O2", "type": "opportunity", "campaign_id": campaign.id,
                     "stage_id": won_stage.id, "probability": 100.0})
        self.order(10.0, campaign=campaign)
        figures = self.figures(campaign)
        self.assertEqual((figures["lead_count"], figures["opportunity_count"],
                          figures["won_count"], figures["quotation_count"],
                          figures["order_count"]), (3, 2, 1, 1, 0))
        self.assertAlmostEqual(figures["cost_per_lead"], 200.0)
        self.assertAlmostEqual(figures["roi"], -100.0)

    def test_figures_of_many_campaigns_in_one_query(self):
        campaigns = self.env["utm.campaign"]
        for index in range(5):
            campaign = self.campaign("Batch %d" % index)
            self.bill(100.0 * (index + 1), line_campaign=campaign)
            campaigns |= campaign
        campaigns.invalidate_cache()
        with self.assertMaxQueries(4):
            costs = campaigns.mapped("actual_cost")
        self.assertEqual(costs, [100.0, 200.0, 300.0, 400.0, 500.0])
