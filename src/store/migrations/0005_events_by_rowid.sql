-- parley schema, version 5: the room log keyed by a rowid, in the order events are
-- stored, with (room_id, seq) as a unique index.
-- Keyed by (room_id, seq) WITHOUT ROWID, each append went into its room's own leaf
-- of ~500-byte rows: with many busy rooms a commit group dirtied a leaf per room and
-- split full ones by rebalancing, the writer thread's main cost. A rowid table takes
-- every append at its right edge (the cheap append split), and the index entries
-- per room are ~40 bytes. Measured: docs/PERFORMANCE.md, Findings 11. Reads of a
-- room's page pay an index lookup per row.
-- The upgrade copies the whole log once, in one transaction at start-up: on a large
-- database it takes a while and needs the log's size again in free disk space.
CREATE TABLE events_v5 (
  id            INTEGER PRIMARY KEY,
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
  deleted       INTEGER NOT NULL DEFAULT 0  -- 1 on a message event that was deleted
);
INSERT INTO events_v5 (room_id, seq, kind, created_at, author_id, author_name, author_avatar,
                       text, html, attachments, client_id, target_seq, user_id, emoji,
                       reaction_on, member_id, member_name, member_avatar, action, url, title,
                       description, image_url, site_name, deleted)
  SELECT room_id, seq, kind, created_at, author_id, author_name, author_avatar, text, html,
         attachments, client_id, target_seq, user_id, emoji, reaction_on, member_id,
         member_name, member_avatar, action, url, title, description, image_url, site_name,
         deleted
  FROM events ORDER BY created_at, room_id, seq;
DROP TABLE events;
ALTER TABLE events_v5 RENAME TO events;
CREATE UNIQUE INDEX events_by_seq ON events (room_id, seq);
-- Idempotent sends: one message per (room, author, client_id).
CREATE UNIQUE INDEX events_by_client_id ON events (room_id, author_id, client_id)
  WHERE client_id <> '';
-- The edits and previews of a message, found when a delete erases its content.
CREATE INDEX events_by_target ON events (room_id, target_seq) WHERE target_seq > 0;
