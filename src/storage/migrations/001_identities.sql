-- Accounts and IAM identities: users, roles, managed and inline policies, attachments, and the
-- access keys (long-term and STS temporary) that authentication resolves on every request.
-- Names of users, roles and policies are unique per account regardless of case, as in IAM, so
-- their name columns use NOCASE (lookups by name are case-insensitive too).
-- Timestamps are epoch milliseconds.

CREATE TABLE accounts (
  id          TEXT    NOT NULL PRIMARY KEY,          -- 12 digits
  alias       TEXT    UNIQUE,                        -- account aliases are globally unique
  created_at  INTEGER NOT NULL
);

CREATE TABLE iam_users (
  id                    TEXT    NOT NULL PRIMARY KEY,  -- AIDA + 17
  account_id            TEXT    NOT NULL REFERENCES accounts (id),
  name                  TEXT    NOT NULL COLLATE NOCASE,
  path                  TEXT    NOT NULL,
  arn                   TEXT    NOT NULL,
  permissions_boundary  TEXT,                          -- managed policy ARN
  tags                  TEXT    NOT NULL DEFAULT '[]', -- JSON [{Key, Value}]
  created_at            INTEGER NOT NULL,
  UNIQUE (account_id, name)
);

CREATE TABLE iam_roles (
  id                    TEXT    NOT NULL PRIMARY KEY,  -- AROA + 17
  account_id            TEXT    NOT NULL REFERENCES accounts (id),
  name                  TEXT    NOT NULL COLLATE NOCASE,
  path                  TEXT    NOT NULL,
  arn                   TEXT    NOT NULL,
  trust_policy          TEXT    NOT NULL,              -- AssumeRolePolicyDocument as submitted
  description           TEXT,
  max_session_duration  INTEGER NOT NULL DEFAULT 3600,
  permissions_boundary  TEXT,
  tags                  TEXT    NOT NULL DEFAULT '[]',
  created_at            INTEGER NOT NULL,
  UNIQUE (account_id, name)
);

-- Customer managed policies (account_id = the account) and AWS managed ones (account_id = 'aws').
CREATE TABLE iam_policies (
  id               TEXT    NOT NULL PRIMARY KEY,       -- ANPA + 17
  account_id       TEXT    NOT NULL,
  name             TEXT    NOT NULL COLLATE NOCASE,
  path             TEXT    NOT NULL,
  arn              TEXT    NOT NULL UNIQUE,
  description      TEXT,
  default_version  TEXT    NOT NULL DEFAULT 'v1',
  next_version     INTEGER NOT NULL DEFAULT 2,
  tags             TEXT    NOT NULL DEFAULT '[]',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (account_id, name)
);

CREATE TABLE iam_policy_versions (
  policy_id   TEXT    NOT NULL REFERENCES iam_policies (id) ON DELETE CASCADE,
  version_id  TEXT    NOT NULL,                        -- v1, v2, ...
  document    TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (policy_id, version_id)
);

CREATE TABLE iam_user_policies (
  user_id   TEXT NOT NULL REFERENCES iam_users (id) ON DELETE CASCADE,
  name      TEXT NOT NULL COLLATE NOCASE,
  document  TEXT NOT NULL,
  PRIMARY KEY (user_id, name)
);

CREATE TABLE iam_role_policies (
  role_id   TEXT NOT NULL REFERENCES iam_roles (id) ON DELETE CASCADE,
  name      TEXT NOT NULL COLLATE NOCASE,
  document  TEXT NOT NULL,
  PRIMARY KEY (role_id, name)
);

-- A policy's AttachmentCount is the number of rows naming it here (no FK cascade from the
-- policy: DeletePolicy refuses while it is attached).
CREATE TABLE iam_user_attachments (
  user_id    TEXT NOT NULL REFERENCES iam_users (id) ON DELETE CASCADE,
  policy_id  TEXT NOT NULL REFERENCES iam_policies (id),
  PRIMARY KEY (user_id, policy_id)
);
CREATE INDEX iam_user_attachments_by_policy ON iam_user_attachments (policy_id);

CREATE TABLE iam_role_attachments (
  role_id    TEXT NOT NULL REFERENCES iam_roles (id) ON DELETE CASCADE,
  policy_id  TEXT NOT NULL REFERENCES iam_policies (id),
  PRIMARY KEY (role_id, policy_id)
);
CREATE INDEX iam_role_attachments_by_policy ON iam_role_attachments (policy_id);

-- Access keys. kind: 'root' | 'user' (long-term, AKIA) or 'session' (STS temporary, ASIA).
-- A session row keeps what is needed to rebuild its identity at lookup time:
--   session_type 'AssumedRole'   -> role_id, session_name
--   session_type 'FederatedUser' -> session_name (federated name), issuer user_id or NULL (root)
--   session_type 'IAMUser'/'Root' (GetSessionToken) -> user_id or NULL (root)
-- Deleting the user or role removes its keys, so lookups of them fail as in IAM.
CREATE TABLE iam_access_keys (
  id                   TEXT    NOT NULL PRIMARY KEY,
  account_id           TEXT    NOT NULL REFERENCES accounts (id),
  kind                 TEXT    NOT NULL CHECK (kind IN ('root', 'user', 'session')),
  secret               TEXT    NOT NULL,
  status               TEXT    NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Inactive')),
  created_at           INTEGER NOT NULL,
  user_id              TEXT    REFERENCES iam_users (id) ON DELETE CASCADE,
  role_id              TEXT    REFERENCES iam_roles (id) ON DELETE CASCADE,
  session_type         TEXT    CHECK (session_type IN ('AssumedRole', 'FederatedUser', 'IAMUser', 'Root')),
  session_token        TEXT    UNIQUE,
  expires_at           INTEGER,
  session_name         TEXT,
  issuer_arn           TEXT,                           -- role ARN or issuing user/root ARN
  session_policy       TEXT,                           -- inline session policy, as submitted
  session_policy_arns  TEXT,                           -- JSON array of managed session policy ARNs
  source_identity      TEXT,
  role_chained         INTEGER NOT NULL DEFAULT 0      -- issued from assumed-role credentials
);
CREATE INDEX iam_access_keys_by_user ON iam_access_keys (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX iam_access_keys_by_role ON iam_access_keys (role_id) WHERE role_id IS NOT NULL;
CREATE INDEX iam_access_keys_by_root ON iam_access_keys (account_id) WHERE kind = 'root';
CREATE INDEX iam_access_keys_by_expiry ON iam_access_keys (expires_at) WHERE expires_at IS NOT NULL;

-- The one AWS managed policy whose document is short and certain; attaching other AWS managed
-- policies answers NoSuchEntity rather than granting a guessed document.
INSERT INTO iam_policies (id, account_id, name, path, arn, description, default_version, next_version, created_at, updated_at)
VALUES ('ANPAIWMBCKSKIEE64ZLYK', 'aws', 'AdministratorAccess', '/', 'arn:aws:iam::aws:policy/AdministratorAccess',
        'Provides full access to AWS services and resources.', 'v1', 2, 1423247986000, 1423247986000);
INSERT INTO iam_policy_versions (policy_id, version_id, document, created_at)
VALUES ('ANPAIWMBCKSKIEE64ZLYK', 'v1',
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}', 1423247986000);
