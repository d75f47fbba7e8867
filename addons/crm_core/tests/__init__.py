from . import test_acl_audit
from . import test_lib_customer_import
from . import test_lib_fairness
from . import test_lib_phone
from . import test_security_registry
from . import test_lib_sales_period
from . import test_lib_report_ratios
from . import test_lib_assignment
