from odoo import api, fields, models

# comparison operators a search on a date may use, and their SQL
DATE_OPERATORS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "=": "=", "!=": "<>"}


class ResPartner(models.Model):
    """Marketing on the customer: the first campaign that reached it (first-touch
    attribution), its last purchase and open opportunities as segment
    conditions, and the sends it is a recipient of."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    first_campaign_id = fields.Many2one(
        "utm.campaign", readonly=True, copy=False, index=True,
        help="The first campaign of this customer's leads and orders.")
    first_campaign_date = fields.Datetime(
        readonly=True, copy=False,
        help="When the first campaign reached this customer: first-touch "
             "attribution credits it with the orders from then on.")
    last_order_date = fields.Datetime(
        "Last Purchase", compute="_compute_last_order_date",
        search="_search_last_order_date",
        help="The confirmation of the customer's (its company's) last order.")
    has_open_opportunity = fields.Boolean(
        compute="_compute_has_open_opportunity",
        search="_search_has_open_opportunity")
    marketing_send_id = fields.Many2one(
        "crm.marketing.send", compute="_compute_marketing_send_id",
        search="_search_marketing_send_id",
        help="Search only: the recipients of a marketing send (not excluded).")

    # A customer's last confirmed order: by its company, for each partner.
    _LAST_ORDER = """
        SELECT p.id, o.last
          FROM res_partner p
          JOIN (SELECT c.commercial_partner_id AS partner_id,
                       max(so.confirmation_date) AS last
                  FROM sale_order so
                  JOIN res_partner c ON c.id = so.partner_id
                 WHERE so.state IN ('sale', 'done')
                 GROUP BY c.commercial_partner_id) o
            ON o.partner_id = p.commercial_partner_id"""
    _OPEN_OPPORTUNITY = """
        SELECT p.id FROM res_partner p
         WHERE EXISTS (
             SELECT 1 FROM crm_lead l JOIN res_partner c ON c.id = l.partner_id
              WHERE c.commercial_partner_id = p.commercial_partner_id
                AND l.type = 'opportunity' AND l.active
                AND COALESCE(l.probability, 0) < 100)"""

    @api.multi
    def _compute_last_order_date(self):
        dates = {}
        if self.ids:
            self.env.cr.execute(
                self._LAST_ORDER + " WHERE p.id IN %s", (tuple(self.ids),))
            dates = dict(self.env.cr.fetchall())
        for partner in self:
            partner.last_order_date = dates.get(partner.id)

    def _search_last_order_date(self, operator, value):
        if value is False and operator in ("=", "!="):
            query = "SELECT id FROM (%s) o" % self._LAST_ORDER  # sql-safe: constant
            return [("id", "not inselect" if operator == "=" else "inselect",
                     (query, []))]
        if operator not in DATE_OPERATORS:
            raise ValueError("Unsupported operator %s for Last Purchase" % operator)
        sql_operator = DATE_OPERATORS[operator]
        query = "SELECT id FROM (%s) o WHERE last %s %%s" % (  # sql-safe: fixed parts
            self._LAST_ORDER, sql_operator)
        return [("id", "inselect", (query, [value]))]

    @api.multi
    def _compute_has_open_opportunity(self):
        found = set()
        if self.ids:
            self.env.cr.execute(self._OPEN_OPPORTUNITY + " AND p.id IN %s",
                                (tuple(self.ids),))
            found = {row[0] for row in self.env.cr.fetchall()}
        for partner in self:
            partner.has_open_opportunity = partner.id in found

    def _search_has_open_opportunity(self, operator, value):
        if operator not in ("=", "!="):
            raise ValueError("Unsupported operator %s for open opportunities"
                             % operator)
        positive = (operator == "=") == bool(value)
        return [("id", "inselect" if positive else "not inselect",
                 (self._OPEN_OPPORTUNITY, []))]

    @api.multi
    def _compute_marketing_send_id(self):
        for partner in self:
            partner.marketing_send_id = False

    def _search_marketing_send_id(self, operator, value):
        if operator != "=" or not isinstance(value, int):
            raise ValueError("Search the recipients of one send by its id")
        return [("id", "inselect", (
            "SELECT partner_id FROM crm_marketing_send_member "
            "WHERE send_id = %s AND state != 'excluded'", [value]))]

    @api.multi
    def _stamp_first_campaign(self, campaign):
        """Remember ``campaign`` on the customers of these partners that have no
        first campaign yet (one statement; a column the system keeps)."""
        if not (self.ids and campaign):
            return
        self.env.cr.execute("""
            UPDATE res_partner p SET first_campaign_id = %s,
                   first_campaign_date = now() AT TIME ZONE 'UTC'
              FROM res_partner c
             WHERE c.id IN %s AND p.id = c.commercial_partner_id
               AND p.first_campaign_id IS NULL
        """, (campaign.id, tuple(self.ids)))
        self.invalidate_cache(["first_campaign_id", "first_campaign_date"])
