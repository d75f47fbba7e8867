{
    "name": "CRM Service",
    "summary": "Service requests and complaints: dispatch, SLA and escalation, return "
               "visits, compensation, knowledge base, defect tracking",
    "version": "11.0.1.0.0",
    "category": "Sales",
    "license": "LGPL-3",
    "author": "CRM Team",
    "website": "https://example.com/crm",
    "depends": ["crm_core"],
    "data": [
        "security/ir.model.access.csv",
        "security/crm_service_security.xml",
        "data/ir_sequence_data.xml",
        "data/crm_dictionary_data.xml",
        "views/crm_service_ticket_views.xml",
        "views/crm_service_ticket_wizard_views.xml",
        "views/crm_service_team_views.xml",
        "views/crm_service_category_views.xml",
        "views/res_partner_views.xml",
        "views/crm_service_menus.xml",
    ],
    "demo": [
        "demo/crm_service_demo.xml",
    ],
}
