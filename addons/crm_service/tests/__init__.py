from . import test_ticket_lifecycle
from . import test_ticket_security
from . import test_lib_worktime
from . import test_sla
from . import test_escalation
