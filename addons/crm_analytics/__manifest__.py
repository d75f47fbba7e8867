{
    "name": "CRM Analytics",
    "summary": "Reports, dashboards, customer value (RFM, CLV), segmentation, churn "
               "risk and forecasts across sales, service and the call center",
    "version": "11.0.1.0.0",
    "category": "Sales",
    "license": "LGPL-3",
    "author": "CRM Team",
    "website": "https://example.com/crm",
    "depends": ["crm_core", "crm_service", "crm_callcenter"],
    "data": [
        "security/ir.model.access.csv",
        "views/crm_analytics_menus.xml",
        "views/crm_analytics_sales_performance_menus.xml",
    ],
}
