from . import main
from . import lead_capture
from . import unsubscribe
from . import sms
from . import plain_json
from . import session
from . import database
