-- Process: server (team server). The signed team chain (docs/design.md "The team chain").
-- Every change to membership and access is a link; the relational tables below it become a
-- projection the server keeps in the same transaction as the link, so routes that authorise
-- item reads and writes keep their plain lookups. The directory entries and grant signatures
-- the chain replaces are dropped. No deployed data exists, so teams made before the chain are
-- not converted: they have no chain_state, and every chain route refuses them by name.

CREATE TABLE team_links (
  team_id uuid NOT NULL REFERENCES teams (id),
  seq bigint NOT NULL CHECK (seq > 0),
  link jsonb NOT NULL,
  revision bigint NOT NULL,
  PRIMARY KEY (team_id, seq)
);

-- The state after the newest link, as shared/chain/state.ts writes it: appending a link
-- checks it against this instead of re-verifying the whole chain.
ALTER TABLE teams ADD COLUMN chain_state jsonb;
-- The newest link's seq, kept beside the state so a pull reads one number, not the state.
ALTER TABLE teams ADD COLUMN chain_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE teams DROP COLUMN root_sign_public_key;

ALTER TABLE memberships DROP COLUMN entry;
ALTER TABLE memberships DROP CONSTRAINT memberships_status_check;
ALTER TABLE memberships ADD CONSTRAINT memberships_status_check
  CHECK (status IN ('invited', 'accepted', 'confirmed', 'suspended', 'removed'));

-- A sealed key is now vouched for by the chain link that records its hash.
ALTER TABLE key_grants DROP COLUMN signature;
ALTER TABLE key_grants DROP COLUMN role;
ALTER TABLE key_grants ADD COLUMN seq bigint NOT NULL DEFAULT 0;
ALTER TABLE key_grants ALTER COLUMN seq DROP DEFAULT;
