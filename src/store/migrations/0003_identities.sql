-- parley schema, version 3: accounts at OAuth providers linked to parley users.
-- (provider, subject) is the provider's stable id of a person (GitHub's numeric id,
-- an OpenID Connect `sub`), never a name that can change hands.
CREATE TABLE identities (
  provider   TEXT NOT NULL,  -- github | google | discord
  subject    TEXT NOT NULL,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (provider, subject)
) WITHOUT ROWID;
-- The cascade from a deleted user.
CREATE INDEX identities_by_user ON identities (user_id);
