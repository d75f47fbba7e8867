from . import test_ticket_lifecycle
from . import test_ticket_security
from . import test_lib_channels
from . import test_dispatch_rules
from . import test_mail_channel
from . import test_portal
from . import test_field_visits
