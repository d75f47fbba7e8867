from . import crm_service_ticket_dispatch
from . import crm_service_ticket_reason
