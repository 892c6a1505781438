-- A staff member's message carries the role they wrote it in: an interpreter's message is
-- labelled "gebarentolk" in the console, the call screens and the transcript, not
-- "medewerker". SQLite cannot change a CHECK constraint in place, so the table is rebuilt.
CREATE TABLE messages_new (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    sender          TEXT NOT NULL CHECK (sender IN ('resident', 'agent', 'interpreter', 'system')),
    sender_name     TEXT NOT NULL,
    body            TEXT NOT NULL,
    client_id       TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (conversation_id, seq)
);
-- Messages written before this version by someone who is an interpreter (by display name,
-- as the pages showed them until now) become theirs.
INSERT INTO messages_new (id, conversation_id, seq, sender, sender_name, body, client_id, created_at)
SELECT m.id, m.conversation_id, m.seq,
       CASE WHEN m.sender = 'agent' AND EXISTS (
                SELECT 1 FROM users u WHERE u.display_name = m.sender_name AND u.role = 'interpreter')
            THEN 'interpreter' ELSE m.sender END,
       m.sender_name, m.body, m.client_id, m.created_at
FROM messages m;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE UNIQUE INDEX messages_client_id ON messages (conversation_id, client_id)
    WHERE client_id IS NOT NULL;
CREATE INDEX messages_created ON messages (created_at);
