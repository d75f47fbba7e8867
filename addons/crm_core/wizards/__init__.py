from . import res_partner_pool_release
from . import res_partner_pool_assign
from . import res_partner_access_explain
from . import base_partner_merge_automatic_wizard
from . import sale_order_approval_reject
from . import sale_order_credit_override
from . import crm_lead_lost
from . import crm_lead2opportunity_partner
