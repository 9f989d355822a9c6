-- Process: server (team server). The team's audit log (docs/design.md "Audit"): one row per
-- entry, hash-chained in the entry itself, so the clients detect a row rewritten, deleted,
-- reordered or cut off here. audit_heads holds each team's newest (seq, hash); its row lock
-- serialises the appends of one team, whichever transaction records them. Entries name ids
-- only, never a secret, a name or an email.
CREATE TABLE audit_entries (
  team_id uuid NOT NULL REFERENCES teams (id),
  seq bigint NOT NULL CHECK (seq > 0),
  entry jsonb NOT NULL,
  -- The author's event id of a client-reported event: a resend after a lost answer is
  -- recognised and not chained twice.
  client_id uuid,
  PRIMARY KEY (team_id, seq)
);
CREATE UNIQUE INDEX audit_entries_client ON audit_entries (team_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX audit_entries_actor ON audit_entries (team_id, ((entry->>'actor')));

CREATE TABLE audit_heads (
  team_id uuid PRIMARY KEY REFERENCES teams (id),
  seq bigint NOT NULL DEFAULT 0,
  hash text
);
