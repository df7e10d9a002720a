-- parley schema, version 1. Applied once, in one transaction, by the SQLite store.
-- Tables that are looked up by primary key only are WITHOUT ROWID: the row lives
-- in the key's B-tree, one lookup instead of two.

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  -- NOCASE: "Alice" and "alice" are the same login name. It folds ASCII only,
  -- which is all a login name may contain (chat::check_username).
  name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
  avatar_url    TEXT NOT NULL DEFAULT '',
  provider      TEXT NOT NULL,
  password_hash TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL
) WITHOUT ROWID;

-- Browser sessions; the raw cookie value is never stored, only its SHA-256.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE rooms (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  kind          TEXT NOT NULL,              -- group | direct | random
  visibility    TEXT NOT NULL,              -- public | private
  owner_id      TEXT NOT NULL DEFAULT '',   -- empty for direct and random rooms
  created_at    INTEGER NOT NULL,
  last_seq      INTEGER NOT NULL DEFAULT 0, -- the seq counter: the next event gets last_seq + 1
  last_activity INTEGER NOT NULL,           -- created_at of the newest event (room list order)
  members_count INTEGER NOT NULL DEFAULT 0,
  direct_key    TEXT UNIQUE                 -- chat::direct_room_key for direct rooms, else NULL
) WITHOUT ROWID;
CREATE INDEX rooms_public ON rooms (kind, visibility);

CREATE TABLE members (
  room_id    TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id    TEXT NOT NULL,
  -- The member as they were when they joined; list_members prefers the users row.
  user_name  TEXT NOT NULL,
  avatar_url TEXT NOT NULL DEFAULT '',
  read_seq   INTEGER NOT NULL DEFAULT 0,
  joined_at  INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_by_user ON members (user_id, room_id);

-- The room log. One flat row per event, one column per chat::Event field; a kind
-- leaves the columns it does not use at their defaults.
CREATE TABLE events (
  room_id       TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  seq           INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  author_id     TEXT NOT NULL DEFAULT '',
  author_name   TEXT NOT NULL DEFAULT '',
  author_avatar TEXT NOT NULL DEFAULT '',
  text          TEXT NOT NULL DEFAULT '',
  html          TEXT NOT NULL DEFAULT '',
  attachments   TEXT NOT NULL DEFAULT '',   -- JSON array, '' when there are none
  client_id     TEXT NOT NULL DEFAULT '',
  target_seq    INTEGER NOT NULL DEFAULT 0,
  user_id       TEXT NOT NULL DEFAULT '',
  emoji         TEXT NOT NULL DEFAULT '',
  reaction_on   INTEGER NOT NULL DEFAULT 0,
  member_id     TEXT NOT NULL DEFAULT '',
  member_name   TEXT NOT NULL DEFAULT '',
  member_avatar TEXT NOT NULL DEFAULT '',
  action        TEXT NOT NULL DEFAULT '',
  url           TEXT NOT NULL DEFAULT '',
  title         TEXT NOT NULL DEFAULT '',
  description   TEXT NOT NULL DEFAULT '',
  image_url     TEXT NOT NULL DEFAULT '',
  site_name     TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (room_id, seq)
) WITHOUT ROWID;
-- Idempotent sends: one message per (room, author, client_id).
CREATE UNIQUE INDEX events_by_client_id ON events (room_id, author_id, client_id)
  WHERE client_id <> '';
-- The edits and previews of a message, found when a delete erases its content.
CREATE INDEX events_by_target ON events (room_id, target_seq) WHERE target_seq > 0;

-- What edit/delete/react decisions need to know about a message, kept beside the
-- log so a decision is one primary-key lookup.
CREATE TABLE messages (
  room_id   TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  seq       INTEGER NOT NULL,
  author_id TEXT NOT NULL,
  deleted   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (room_id, seq)
) WITHOUT ROWID;

-- Reactions that are on now; toggling inserts or deletes a row.
CREATE TABLE reactions (
  room_id    TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  target_seq INTEGER NOT NULL,
  emoji      TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  first_at   INTEGER NOT NULL,
  PRIMARY KEY (room_id, target_seq, emoji, user_id)
) WITHOUT ROWID;
