from . import test_ticket_lifecycle
from . import test_ticket_security
