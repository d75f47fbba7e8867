from . import crm_pool_fairness_report
from . import crm_funnel_report
from . import crm_lost_deal_report
