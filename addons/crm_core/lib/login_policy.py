"""Login security rules as pure functions (issue 13): the password policy, the
settings and their bounds, and what a client looks like in the log. The models
(models/crm_login_*.py, models/res_users_login.py) read the settings and apply them.
"""
import hashlib

# ir.config_parameter key: (default, lowest, highest)
SETTINGS = {
    "crm_core.login_max_failures": (5, 1, 1000),
    "crm_core.login_ip_max_failures": (20, 1, 100000),
    "crm_core.login_lockout_minutes": (15, 1, 10080),
    "crm_core.password_min_length": (8, 4, 128),
    "crm_core.session_idle_minutes": (240, 5, 525600),
    "crm_core.login_log_days": (180, 7, 3650),
}

# passwords that every guesser tries first, and the demo's
COMMON_PASSWORDS = frozenset((
    "demo", "admin", "password", "passw0rd", "123456", "1234567", "12345678",
    "123456789", "1234567890", "qwerty", "qwertyui", "qwerty123", "abc123",
    "11111111", "00000000", "88888888", "66666666", "iloveyou", "welcome",
    "password1", "admin123", "letmein", "a1234567", "aa123456", "woaini1314",
))

TEXT_LIMIT = 255


def setting(raw, key):
    """The value of setting ``key`` from its raw ir.config_parameter text: the
    default when unset or not a whole number, clamped to the setting's bounds."""
    default, low, high = SETTINGS[key]
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


def password_problem(password, login, min_length):
    """Why ``password`` may not be used by ``login`` ("empty", "short",
    "login", "common"), or None."""
    if not password:
        return "empty"
    if len(password) < min_length:
        return "short"
    folded = password.casefold()
    name = (login or "").casefold().split("@")[0]
    if name and (folded == (login or "").casefold() or
                 (len(name) >= 3 and name in folded)):
        return "login"
    if folded in COMMON_PASSWORDS:
        return "common"
    return None


def clip(text):
    """A client-sent value (login, user agent) as it is stored in the log: text,
    without NUL bytes, at most 255 characters."""
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text).replace("\x00", "")[:TEXT_LIMIT]


def session_key(sid):
    """What the sessions list stores of a session id: its SHA-256, so that the
    table never holds a usable session id."""
    return hashlib.sha256((sid or "").encode("utf-8")).hexdigest()
