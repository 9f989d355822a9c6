-- Process: server (team server). "Rotation required" flags (docs/design.md "Rotation
-- reminders"). A row is a statement its author signed: the server keeps it as sent and never
-- sees a value or a name, only which item, why (a short sentence the author wrote) and when.
-- One flag per author per item: flagging again replaces the author's own. Rotating settles
-- the flags made before the new value, which deletes them.
CREATE TABLE rotation_flags (
  team_id uuid NOT NULL REFERENCES teams (id),
  vault_id uuid NOT NULL REFERENCES vaults (id),
  item_id uuid NOT NULL,
  author_id uuid NOT NULL REFERENCES users (id),
  reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 200),
  -- Kept as the author signed it: re-rendering a timestamp would break the signature.
  flagged_at text NOT NULL,
  signature text NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (item_id, author_id)
);
CREATE INDEX rotation_flags_team ON rotation_flags (team_id, vault_id);
