from . import test_ticket_lifecycle
from . import test_ticket_security
from . import test_compensation
from . import test_return_visit
