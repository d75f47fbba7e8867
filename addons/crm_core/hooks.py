"""Bring the customers that existed before crm_core into the pool model."""
from odoo import SUPERUSER_ID, api


def post_init_hook(cr, registry):
    """Existing customers join the default pool: owned when they have a salesperson,
    else waiting in the pool; each gets a customer code. Set-based, one statement
    per step."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    # colleagues' own partners and those of system users (the public user, the
    # user templates: inactive) are not customers
    cr.execute("""
        UPDATE res_partner p SET customer = FALSE, pool_id = NULL, pool_state = NULL,
               customer_code = NULL, date_owned = NULL, date_pooled = NULL
          FROM res_users u
         WHERE u.partner_id = p.id AND (NOT u.share OR NOT u.active)
    """)
    pool = env["crm.pool"]._default_pool()
    if not pool:
        return
    cr.execute("""
        UPDATE res_partner
           SET pool_id = %s,
               pool_state = CASE WHEN user_id IS NULL THEN 'pool' ELSE 'owned' END,
               date_owned = CASE WHEN user_id IS NOT NULL
                                 THEN now() AT TIME ZONE 'UTC' END,
               date_pooled = CASE WHEN user_id IS NULL
                                  THEN now() AT TIME ZONE 'UTC' END
         WHERE customer AND parent_id IS NULL AND pool_id IS NULL
    """, (pool.id,))
    cr.execute("SELECT id FROM res_partner WHERE customer AND parent_id IS NULL "
               "AND customer_code IS NULL ORDER BY id")
    ids = [row[0] for row in cr.fetchall()]
    sequence = env["ir.sequence"].search([("code", "=", "crm.customer.code")], limit=1)
    codes = [sequence._next() for _i in ids]
    if ids:
        cr.execute("""
            UPDATE res_partner p SET customer_code = v.code
              FROM unnest(%s::int[], %s::varchar[]) AS v(id, code)
             WHERE p.id = v.id
        """, (ids, codes))


# Odoo's salesperson rules that crm_data_scope_rules.xml replaces by the data scopes
REPLACED_RULES = [
    "crm.crm_rule_personal_lead", "crm.crm_rule_all_lead",
    "crm.crm_rule_personal_lead_report", "crm.crm_rule_all_lead_report",
    "sale.sale_order_personal_rule", "sale.sale_order_see_all",
    "sale.sale_order_line_personal_rule", "sale.sale_order_line_see_all",
    "sale.sale_order_report_personal_rule", "sale.sale_order_report_see_all",
]


def uninstall_hook(cr, registry):
    """Without the data scopes, Odoo's own "personal" and "all" rules apply again."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    rules = env["ir.rule"]
    for xmlid in REPLACED_RULES:
        rules |= env.ref(xmlid, raise_if_not_found=False) or rules.browse()
    rules.write({"active": True})
