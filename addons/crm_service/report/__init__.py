from . import crm_service_defect_report
from . import crm_service_compensation_report
from . import crm_service_satisfaction_report
