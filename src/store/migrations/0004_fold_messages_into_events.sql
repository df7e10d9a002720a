-- parley schema, version 4: the `messages` table folds into `events`.
-- A message's author is already its event's author_id; only `deleted` was kept
-- apart, in a second B-tree that every message had to write. It becomes a column
-- of the event row: 1 on a message event that has been deleted, else 0. One
-- B-tree less per message on the write path (docs/PERFORMANCE.md, Findings 4).
ALTER TABLE events ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
UPDATE events SET deleted = 1
  WHERE kind = 'message'
    AND (room_id, seq) IN (SELECT room_id, seq FROM messages WHERE deleted = 1);
DROP TABLE messages;
