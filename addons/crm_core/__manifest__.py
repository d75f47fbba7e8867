{
    "name": "CRM Core",
    "summary": "Customers, open pool, sales force automation, campaigns and the CRM "
               "security model",
    "version": "11.0.1.0.0",
    "category": "Sales",
    "license": "LGPL-3",
    "author": "CRM Team",
    "website": "https://example.com/crm",
    "depends": [
        "crm",
        "sale_management",
        "sale_crm",
        "account_invoicing",
        "mass_mailing",
        "utm",
        "calendar",
        "portal",
        "contacts",
        "board",
    ],
    "data": [
        "security/crm_core_security.xml",
        "views/crm_core_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/crm_lead_demo.xml",
    ],
    "application": True,
}
