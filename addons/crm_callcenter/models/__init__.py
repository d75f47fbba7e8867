from . import crm_callcenter_connection
from . import crm_callcenter_agent
from . import crm_callcenter_extension
from . import crm_callcenter_call
