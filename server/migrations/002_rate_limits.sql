-- Password-route rate limits shared by every server process on this database, so running
-- several processes does not multiply the attempts an attacker gets. Keys are SHA-256 hashes
-- of route, address and email: the table does not list who was probed.
CREATE TABLE rate_limits (
  key bytea PRIMARY KEY,
  count integer NOT NULL,
  window_start timestamptz NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
