from . import res_partner_pool_release
from . import res_partner_pool_assign
from . import res_partner_access_explain
from . import base_partner_merge_automatic_wizard
from . import crm_lead_assign
