from . import crm_callcenter_script_run
