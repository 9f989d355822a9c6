-- Process: server (team server). The initial schema. Plain PostgreSQL 15 SQL: it runs
-- unchanged on PGlite and on a real PostgreSQL. The server stores ciphertext, public keys and
-- signatures only; every column named envelope, sealed_key or keyset holds client-encrypted data.

CREATE SEQUENCE revision_seq;

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  name text NOT NULL,
  registration_record text NOT NULL,
  keyset jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  suspended_at timestamptz
);

CREATE TABLE server_settings (
  key text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
  id uuid PRIMARY KEY,
  user_id uuid REFERENCES users (id),
  email text NOT NULL,
  server_login_state text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX login_attempts_expires ON login_attempts (expires_at);

CREATE TABLE teams (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  root_sign_public_key text NOT NULL,
  revision bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  team_id uuid NOT NULL REFERENCES teams (id),
  email text NOT NULL CHECK (email = lower(email)),
  user_id uuid REFERENCES users (id),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  status text NOT NULL CHECK (status IN ('invited', 'accepted', 'confirmed', 'suspended')),
  keys jsonb,
  entry jsonb,
  invited_by uuid REFERENCES users (id),
  revision bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, email)
);
CREATE UNIQUE INDEX memberships_team_user ON memberships (team_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX memberships_email ON memberships (email);

CREATE TABLE groups (
  id uuid PRIMARY KEY,
  team_id uuid NOT NULL REFERENCES teams (id),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (team_id, name)
);

CREATE TABLE group_members (
  group_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id),
  revision bigint NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE vaults (
  id uuid PRIMARY KEY,
  team_id uuid NOT NULL REFERENCES teams (id),
  name jsonb NOT NULL,
  generation bigint NOT NULL CHECK (generation > 0),
  break_glass boolean NOT NULL DEFAULT false,
  revision bigint NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vaults_team ON vaults (team_id);

CREATE TABLE vault_access (
  vault_id uuid NOT NULL REFERENCES vaults (id),
  principal_type text NOT NULL CHECK (principal_type IN ('user', 'group')),
  principal_id uuid NOT NULL,
  role text NOT NULL CHECK (role IN ('view', 'edit', 'manage')),
  revision bigint NOT NULL,
  PRIMARY KEY (vault_id, principal_type, principal_id)
);
CREATE INDEX vault_access_principal ON vault_access (principal_type, principal_id);

CREATE TABLE key_grants (
  vault_id uuid NOT NULL REFERENCES vaults (id),
  generation bigint NOT NULL,
  recipient uuid NOT NULL REFERENCES users (id),
  role text NOT NULL CHECK (role IN ('view', 'edit', 'manage')),
  sealed_key text NOT NULL,
  granter uuid NOT NULL REFERENCES users (id),
  signature text NOT NULL,
  revision bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (vault_id, generation, recipient)
);
CREATE INDEX key_grants_recipient ON key_grants (recipient, vault_id);

CREATE TABLE items (
  id uuid PRIMARY KEY,
  vault_id uuid NOT NULL REFERENCES vaults (id),
  team_id uuid NOT NULL REFERENCES teams (id),
  version bigint NOT NULL CHECK (version > 0),
  generation bigint NOT NULL,
  envelope jsonb NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  revision bigint NOT NULL,
  updated_by uuid NOT NULL REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX items_team_revision ON items (team_id, revision);
CREATE INDEX items_vault ON items (vault_id);

CREATE TABLE item_versions (
  item_id uuid NOT NULL REFERENCES items (id),
  version bigint NOT NULL,
  generation bigint NOT NULL,
  envelope jsonb NOT NULL,
  deleted boolean NOT NULL,
  revision bigint NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (item_id, version)
);
