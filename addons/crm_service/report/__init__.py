from . import crm_service_defect_report
