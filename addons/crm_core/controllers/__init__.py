from . import main
from . import lead_capture
from . import plain_json
