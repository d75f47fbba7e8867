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
        "security/crm_callcenter_calls_security.xml",
        "security/crm_callcenter_calls_rules.xml",
        "data/crm_callcenter_calls_data.xml",
        "views/crm_callcenter_call_views.xml",
        "views/crm_callcenter_connection_views.xml",
        "views/crm_callcenter_extension_views.xml",
        "views/crm_callcenter_agent_views.xml",
        "views/crm_callcenter_agent_status_log_views.xml",
        "views/crm_callcenter_event_views.xml",
        "views/crm_service_ticket_views.xml",
        "views/res_partner_views.xml",
        "views/assets.xml",
    ],
    "demo": [
        "demo/crm_callcenter_demo.xml",
    ],
    "qweb": [
        "static/src/xml/callcenter_popup.xml",
    ],
}
