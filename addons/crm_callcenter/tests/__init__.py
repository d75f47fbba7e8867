from . import test_lib_events
from . import test_lib_routing
from . import test_lib_cdr
from . import test_call_recycle
