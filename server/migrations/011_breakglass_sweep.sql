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

-- Sessions already in a chain when this runs: what is over there (a grant the key, a denial or
-- a close settled; a window that ended or was closed) happened before the server recorded such
-- events, so it is marked done here rather than recorded and alerted now, months late. What is
-- still to come (a delay not yet passed, an open window) is left to the sweep.
INSERT INTO breakglass_events (request_id, kind, team_id)
SELECT (s.value->>'request')::uuid, k.kind, t.id
  FROM teams t
 CROSS JOIN LATERAL jsonb_array_elements(COALESCE(t.chain_state->'vaults', '[]'::jsonb)) v
 CROSS JOIN LATERAL jsonb_array_elements(COALESCE(v.value->'sessions', '[]'::jsonb)) s
 CROSS JOIN (VALUES ('grant'), ('expire')) k (kind)
 WHERE t.chain_state IS NOT NULL
   AND (s.value ? 'closedAt' OR s.value ? 'deniedBy'
        OR (k.kind = 'grant' AND s.value ? 'key')
        OR (k.kind = 'expire' AND s.value ? 'key'
            AND (s.value->'key'->>'at')::bigint + (s.value->>'minutes')::bigint * 60000
                < extract(epoch FROM now()) * 1000))
ON CONFLICT (request_id, kind) DO NOTHING;
