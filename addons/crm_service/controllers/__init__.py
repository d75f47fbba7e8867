from . import knowledge
from . import portal
