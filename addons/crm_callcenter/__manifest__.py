{
    "name": "CRM Call Center",
    "summary": "Calls from the phone system: telephony events, caller pop-up, agents, "
               "queues and routing, IVR, outbound lists, scripts, statistics",
    "version": "11.0.1.0.0",
    "category": "Sales",
    "license": "LGPL-3",
    "author": "CRM Team",
    "website": "https://example.com/crm",
    "depends": ["crm_service"],
    "data": [
        "security/ir.model.access.csv",
        "security/crm_callcenter_security.xml",
        "views/crm_callcenter_menus.xml",
    ],
}
