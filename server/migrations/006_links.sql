-- Process: server (team server). One-time links (docs/design.md "One-time links"). A link row
-- holds ciphertext only: the key is in the URL fragment, which never reaches the server. The
-- envelope and kdf are set to NULL the moment a link is used up, revoked or found expired
-- (the row stays a while as a tombstone so an opener is told why, then is purged);
-- link_events keeps who created, viewed and revoked what, never a key or content.
CREATE TABLE links (
  id uuid PRIMARY KEY,
  team_id uuid NOT NULL REFERENCES teams (id),
  vault_id uuid NOT NULL REFERENCES vaults (id),
  item_id uuid NOT NULL,
  created_by uuid NOT NULL REFERENCES users (id),
  envelope jsonb,
  kdf jsonb,
  views integer NOT NULL CHECK (views >= 1),
  views_left integer NOT NULL CHECK (views_left >= 0),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX links_team ON links (team_id, created_by);
CREATE INDEX links_expires ON links (expires_at);

CREATE TABLE link_events (
  seq bigserial PRIMARY KEY,
  team_id uuid NOT NULL REFERENCES teams (id),
  link_id uuid NOT NULL,
  vault_id uuid NOT NULL,
  event text NOT NULL CHECK (event IN ('created', 'viewed', 'revoked')),
  -- NULL for a view: the recipient has no account.
  actor_id uuid REFERENCES users (id),
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX link_events_team ON link_events (team_id, seq);

-- Set by team admins; no row means links allowed, up to the 7-day ceiling.
CREATE TABLE vault_link_policy (
  vault_id uuid PRIMARY KEY REFERENCES vaults (id),
  links_allowed boolean NOT NULL,
  max_expiry_seconds integer CHECK (max_expiry_seconds > 0),
  updated_by uuid NOT NULL REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
