-- The inbox: asynchronous work ("berichten"). A message left when nobody could answer
-- (later also a WhatsApp or e-mail message) waits here for any staff member with the
-- queue's skill; it never enters the live queue, takes no chat capacity and has no offer
-- timeout. new -> picked up by a staff member -> answered (written, by e-mail, or called
-- back, with the text or note). The resident's return link carries a capability token,
-- stored as its SHA-256 hash only.
CREATE TABLE inbox_items (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB NOT NULL UNIQUE,
    channel       TEXT NOT NULL CHECK (channel IN ('form', 'whatsapp', 'email')),
    queue_id      INTEGER NOT NULL REFERENCES queues (id),
    topic_id      INTEGER REFERENCES topics (id),
    resident_name TEXT NOT NULL DEFAULT '',
    lang          TEXT NOT NULL DEFAULT 'nl',
    body          TEXT NOT NULL,
    -- How the resident wants the answer: 'email' (reach_value: the address), 'phone'
    -- (the number), 'return' (they read it with their link).
    reach         TEXT NOT NULL CHECK (reach IN ('email', 'phone', 'return')),
    reach_value   TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL CHECK (state IN ('new', 'picked_up', 'answered')),
    picked_by     INTEGER REFERENCES users (id),
    picked_at     INTEGER,
    -- The answer, kept as soon as it is given (also while or when its e-mail fails).
    answer_how    TEXT CHECK (answer_how IN ('written', 'email', 'called_back')),
    answer_subject TEXT,
    answer_body   TEXT,
    answered_by   INTEGER REFERENCES users (id),
    answered_at   INTEGER,
    -- An e-mail answer on its way ('sending') or refused by the relay ('failed', with
    -- the relay's reason); NULL once sent or for other answers.
    send_state    TEXT CHECK (send_state IN ('sending', 'failed')),
    send_error    TEXT,
    created_at    INTEGER NOT NULL
);
CREATE INDEX inbox_items_open ON inbox_items (state, created_at);

-- Messages left before this version waited in the live chat queue as conversations:
-- those still waiting move to the inbox (same link token), and leave the live queue.
INSERT INTO inbox_items (token_hash, channel, queue_id, topic_id, resident_name, lang, body,
                         reach, reach_value, state, created_at)
SELECT c.token_hash, 'form', c.queue_id, c.topic_id, c.resident_name, c.lang,
       COALESCE((SELECT m.body FROM messages m WHERE m.conversation_id = c.id AND m.seq = 1), ''),
       CASE WHEN c.contact_method IN ('email', 'phone') THEN c.contact_method ELSE 'return' END,
       COALESCE(c.contact_value, ''), 'new', c.created_at
FROM conversations c WHERE c.origin = 'message' AND c.status = 'waiting';
UPDATE kiosks SET current_conversation = NULL WHERE current_conversation IN
    (SELECT id FROM conversations WHERE origin = 'message' AND status = 'waiting');
DELETE FROM conversations WHERE origin = 'message' AND status = 'waiting';
