from . import res_partner_pool_release
from . import res_partner_pool_assign
from . import res_partner_access_explain
