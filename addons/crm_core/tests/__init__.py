from . import test_acl_audit
from . import test_security_registry
