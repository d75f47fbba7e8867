from . import routing
from . import wallboard
