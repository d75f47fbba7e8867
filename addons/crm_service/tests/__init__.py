from . import test_ticket_lifecycle
from . import test_ticket_security
from . import test_care_complaint
