from . import test_lib_events
