-- Process: server (team server). Break-glass session keys (docs/design.md "Break-glass"). The
-- chain holds the requests, approvals, denials and closes; this table holds only what the
-- server must hand out and when: the vault key a key holder sealed to the requester, released
-- to them between opens_at and closes_at (the signed time of the `breakglass.key` link plus
-- the minutes the request asked for) and never after a close.
CREATE TABLE breakglass_keys (
  request_id uuid PRIMARY KEY,
  team_id uuid NOT NULL REFERENCES teams (id),
  vault_id uuid NOT NULL REFERENCES vaults (id),
  recipient uuid NOT NULL REFERENCES users (id),
  generation bigint NOT NULL,
  sealed_key text NOT NULL,
  opens_at timestamptz NOT NULL,
  closes_at timestamptz NOT NULL,
  closed_at timestamptz
);
CREATE INDEX breakglass_keys_recipient ON breakglass_keys (team_id, recipient);
