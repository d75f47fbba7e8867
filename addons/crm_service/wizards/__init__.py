from . import crm_service_ticket_dispatch
from . import crm_service_ticket_reason
from . import crm_service_compensation_decide
from . import sale_order_coupon_apply
