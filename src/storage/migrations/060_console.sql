-- The web console: IAM login profiles (console passwords) and console sessions.
-- Timestamps are epoch milliseconds.

-- Console-session credentials are temporary keys (kind 'session', ASIA...) marked here, so that
-- calls made with them are recorded with sessionCredentialFromConsole "true".
ALTER TABLE iam_access_keys ADD COLUMN from_console INTEGER NOT NULL DEFAULT 0;

-- One login profile per IAM user. The password is kept only as a salted scrypt hash
-- (scrypt$N$r$p$<salt base64>$<hash base64>, src/auth/identities/passwords.ts).
-- DeleteUser refuses while a profile exists, as IAM does; the cascade covers the rest.
CREATE TABLE iam_login_profiles (
  user_id                  TEXT    NOT NULL PRIMARY KEY REFERENCES iam_users (id) ON DELETE CASCADE,
  password_hash            TEXT    NOT NULL,
  password_reset_required  INTEGER NOT NULL DEFAULT 0,
  created_at               INTEGER NOT NULL,
  password_changed_at      INTEGER NOT NULL
);

-- A signed-in console session. The cookie carries a random session id; only its SHA-256 is
-- stored. The session acts through its own console key (deleted with it, and it with the key:
-- deleting the user or role behind the key ends the session).
CREATE TABLE console_sessions (
  id_hash         TEXT    NOT NULL PRIMARY KEY,        -- hex SHA-256 of the session id
  access_key_id   TEXT    NOT NULL UNIQUE REFERENCES iam_access_keys (id) ON DELETE CASCADE,
  account_id      TEXT    NOT NULL,
  region          TEXT    NOT NULL,                    -- the region the console starts in
  sign_in_method  TEXT    NOT NULL CHECK (sign_in_method IN ('access-key', 'password')),
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);
