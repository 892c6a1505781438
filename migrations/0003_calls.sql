-- Video calls and three-way calls.
-- A conversation in a video queue is a call from the start; a text chat becomes one when
-- its agent asks for an interpreter (call_started_at is set then).
ALTER TABLE conversations ADD COLUMN call_started_at INTEGER;

-- A request for one more staff member to join a conversation's call: an interpreter asks
-- for an agent, or an agent asks for an interpreter. The broker routes it like a contact
-- (its broker id is the negated row id); whoever accepts joins the call as a guest and
-- leaves it again without ending the conversation.
CREATE TABLE call_requests (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    queue_id        INTEGER NOT NULL REFERENCES queues (id),
    topic_id        INTEGER REFERENCES topics (id),
    requested_by    INTEGER NOT NULL REFERENCES users (id),
    staff_id        INTEGER REFERENCES users (id),
    status          TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'ended', 'cancelled')),
    created_at      INTEGER NOT NULL,
    accepted_at     INTEGER,
    ended_at        INTEGER
);
CREATE INDEX call_requests_conversation ON call_requests (conversation_id);
CREATE INDEX call_requests_open ON call_requests (status) WHERE status IN ('waiting', 'active');
