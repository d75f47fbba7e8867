"""What was invoiced and paid against sales orders, grouped by order or by
opportunity, in one query: the finance side of an order, an opportunity and a
customer (H1, H2)."""

from odoo import api, models


class CrmFinance(models.AbstractModel):
    _name = "crm.finance"
    _description = "Invoiced and Paid Amounts of Sales"

    @api.model
    def _order_amounts(self, key, ids):
        """{order or opportunity id: (invoiced, paid, invoiced untaxed in company
        currency, paid untaxed in company currency)} for ``key`` "order" or
        "opportunity", in one query.

        Counts the posted customer invoices whose lines come from the orders' lines,
        less their credit notes: a credit note made line by line from the order
        ("modify") is linked to the order lines like an invoice; an ordinary one
        only names the invoice it credits, and takes from each order the share that
        order has in that invoice. A document paid in part counts as paid in the
        same proportion, so an invoice shared by two orders splits its payments
        between them."""
        if not ids:
            return {}
        column = {"order": "so.id", "opportunity": "so.opportunity_id"}[key]
        self.env.cr.execute("""
            WITH direct AS (
                SELECT DISTINCT {column} AS key, il.id AS line_id
                  FROM sale_order so
                  JOIN sale_order_line sol ON sol.order_id = so.id
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                  JOIN account_invoice_line il ON il.id = rel.invoice_line_id
                 WHERE {column} IN %s
            ), shares AS (
                SELECT d.key, inv.id AS invoice_id, inv.type,
                       SUM(il.price_total) AS total,
                       SUM(il.price_subtotal_signed) AS untaxed
                  FROM direct d
                  JOIN account_invoice_line il ON il.id = d.line_id
                  JOIN account_invoice inv ON inv.id = il.invoice_id
                 WHERE inv.state IN ('open', 'paid')
                   AND inv.type IN ('out_invoice', 'out_refund')
                 GROUP BY d.key, inv.id, inv.type
            ), documents AS (
                SELECT s.key, s.invoice_id,
                       CASE WHEN s.type = 'out_refund' THEN -s.total
                            ELSE s.total END AS total,
                       s.untaxed
                  FROM shares s
                UNION ALL
                SELECT s.key, cn.id,
                       -cn.amount_total * s.total / NULLIF(inv.amount_total, 0),
                       cn.amount_untaxed_signed * s.untaxed
                           / NULLIF(inv.amount_untaxed_signed, 0)
                  FROM shares s
                  JOIN account_invoice inv ON inv.id = s.invoice_id
                  JOIN account_invoice cn ON cn.refund_invoice_id = inv.id
                 WHERE s.type = 'out_invoice' AND cn.type = 'out_refund'
                   AND cn.state IN ('open', 'paid')
                   AND NOT EXISTS (
                       SELECT 1 FROM account_invoice_line cl
                         JOIN sale_order_line_invoice_rel cr
                           ON cr.invoice_line_id = cl.id
                        WHERE cl.invoice_id = cn.id)
            )
            SELECT d.key, SUM(d.total), SUM(d.total * p.paid), SUM(d.untaxed),
                   SUM(d.untaxed * p.paid)
              FROM documents d
              JOIN account_invoice doc ON doc.id = d.invoice_id
             CROSS JOIN LATERAL (SELECT
                   CASE WHEN doc.amount_total = 0 THEN 1.0
                        ELSE 1.0 - doc.residual / doc.amount_total END AS paid) p
             GROUP BY d.key
        """.format(column=column), (tuple(ids),))  # sql-safe: column from a fixed map
        return {row[0]: tuple(v or 0.0 for v in row[1:])
                for row in self.env.cr.fetchall()}

    @api.model
    def _partner_amounts(self, ids):
        """{commercial partner id: (invoiced, due)} in company currency, tax
        included: posted customer invoices net of credit notes, and what is left
        to pay on them."""
        if not ids:
            return {}
        self.env.cr.execute("""
            SELECT commercial_partner_id, SUM(amount_total_company_signed),
                   SUM(residual_company_signed)
              FROM account_invoice
             WHERE commercial_partner_id IN %s AND state IN ('open', 'paid')
               AND type IN ('out_invoice', 'out_refund')
             GROUP BY commercial_partner_id
        """, (tuple(ids),))
        return {row[0]: tuple(row[1:]) for row in self.env.cr.fetchall()}
