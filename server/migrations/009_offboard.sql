-- Process: server (team server). Offboardings (docs/design.md "Offboarding"). A row is the
-- server's side of one `member.remove` link with reason `offboarded`, written in the
-- transaction that appends the link: the link is the only way a row comes to be, so no client
-- can have the server act on an offboarding the chain does not hold. Nothing is deleted.
CREATE TABLE offboardings (
  team_id uuid NOT NULL REFERENCES teams (id),
  link_seq integer NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id),
  offboarded_by uuid NOT NULL REFERENCES users (id),
  sessions_revoked integer NOT NULL,
  links_revoked integer NOT NULL,
  -- The account was suspended too: the leaver belonged to no other team on this server.
  account_suspended boolean NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, link_seq)
);
CREATE INDEX offboardings_user ON offboardings (user_id);
