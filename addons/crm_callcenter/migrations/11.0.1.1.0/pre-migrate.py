"""Telephony tokens were stored in clear: keep their SHA-256 only (issue 13).
Before the update, so that the new required, unique hash column is filled when the
ORM checks it."""
import hashlib


def migrate(cr, version):
    cr.execute("""SELECT 1 FROM information_schema.columns
                   WHERE table_name = 'crm_callcenter_connection'
                     AND column_name = 'token'""")
    if not cr.fetchone():
        return
    cr.execute("""ALTER TABLE crm_callcenter_connection
                  ADD COLUMN IF NOT EXISTS token_hash varchar,
                  ADD COLUMN IF NOT EXISTS token_hint varchar,
                  ADD COLUMN IF NOT EXISTS demo_token boolean""")
    cr.execute("SELECT id, token FROM crm_callcenter_connection "
               "WHERE token IS NOT NULL")
    for connection_id, token in cr.fetchall():
        cr.execute("""UPDATE crm_callcenter_connection
                         SET token_hash = %s, token_hint = %s,
                             demo_token = %s
                       WHERE id = %s""",
                   (hashlib.sha256(token.encode("utf-8")).hexdigest(), token[-4:],
                    token.startswith("demo-"), connection_id))
    cr.execute("ALTER TABLE crm_callcenter_connection DROP COLUMN token")
