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
        "views/crm_service_menus.xml",
    ],
}
