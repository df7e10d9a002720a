-- parley schema, version 2: invite links to rooms.
-- The raw token is never stored, only its SHA-256 (hex), as for sessions.
CREATE TABLE invites (
  token_hash TEXT PRIMARY KEY,
  room_id    TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  creator_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_by    TEXT NOT NULL DEFAULT '',  -- '' while unused: an invite lets one user in
  used_at    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
-- The cascade from a deleted room, and the sweep of expired invites.
CREATE INDEX invites_by_room ON invites (room_id);
CREATE INDEX invites_by_expiry ON invites (expires_at);
