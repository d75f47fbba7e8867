from . import crm_pool_fairness_report
