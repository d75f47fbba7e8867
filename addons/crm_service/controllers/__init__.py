from . import knowledge
