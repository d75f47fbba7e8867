from . import crm_callcenter_script_run
from . import crm_callcenter_token_show
