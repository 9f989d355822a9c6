-- Process: server (team server). Which break-glass events the server has recorded on its own
-- (docs/design.md "Break-glass"): a session's grant (at the k-th approval, at an immediate
-- request, or when a delay passes with no link at all) and its window's end without a close.
-- The primary key is the once-only guard: the sweep of every server process on one database
-- inserts here in the transaction that records the audit entry, and only the insert that
-- lands records it.
CREATE TABLE breakglass_events (
  request_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('grant', 'expire')),
  team_id uuid NOT NULL REFERENCES teams (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, kind)
);
CREATE INDEX breakglass_events_team ON breakglass_events (team_id);
