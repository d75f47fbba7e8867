from . import event
from . import routing
from . import wallboard
