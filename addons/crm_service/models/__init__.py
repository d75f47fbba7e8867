from . import crm_service_category
from . import crm_service_team
from . import crm_service_ticket
from . import res_partner
from . import res_partner_care
