from . import crm_pool_fairness_report
from . import crm_sales_target_report
from . import crm_sales_forecast_report
from . import crm_rep_performance_report
from . import crm_funnel_report
from . import crm_lost_deal_report
from . import crm_campaign_roi_report
from . import crm_marketing_message_report
