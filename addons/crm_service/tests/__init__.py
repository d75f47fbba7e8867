from . import test_ticket_lifecycle
from . import test_ticket_security
from . import test_lib_clustering
from . import test_knowledge
from . import test_knowledge_portal
from . import test_defects
