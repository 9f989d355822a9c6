-- Process: server (team server). Renaming and deleting vaults (docs/design.md "Renaming and
-- deleting a vault"). name_revision is the team revision the name was last set at by a
-- rename (0: never renamed), so a re-key built on an older name is refused rather than
-- silently undoing the rename. deleted_at is set by a `vault.delete` link; the vault's rows
-- stay (nothing is destroyed), but it is no longer served and takes no more writes.
ALTER TABLE vaults ADD COLUMN name_revision bigint NOT NULL DEFAULT 0;
ALTER TABLE vaults ADD COLUMN deleted_at timestamptz;
