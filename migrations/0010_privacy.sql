-- Privacy (issue 15): legal holds, the access log, and the marks the retention purge
-- leaves behind. (The users table's role check is widened to 'privacy' by
-- `widen_roles` in src/store/mod.rs: SQLite cannot change a CHECK in place, and the
-- rebuild needs foreign keys off, which a migration's transaction cannot do.)

-- When the purge (or an erasure) took the conversation's content and contact details;
-- the row itself stays for the figures (queue, channel, topic, times, outcome).
ALTER TABLE conversations ADD COLUMN purged_at INTEGER;
ALTER TABLE inbox_items ADD COLUMN purged_at INTEGER;
CREATE INDEX conversations_ended ON conversations (ended_at);

-- A legal hold keeps a conversation (or a left message) out of the purge until lifted.
CREATE TABLE legal_holds (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER REFERENCES conversations (id),
    inbox_id        INTEGER REFERENCES inbox_items (id),
    reason          TEXT NOT NULL,
    set_by          INTEGER NOT NULL REFERENCES users (id),
    set_at          INTEGER NOT NULL,
    lifted_by       INTEGER REFERENCES users (id),
    lifted_reason   TEXT,
    lifted_at       INTEGER,
    CHECK ((conversation_id IS NULL) != (inbox_id IS NULL))
);
CREATE INDEX legal_holds_conversation ON legal_holds (conversation_id) WHERE lifted_at IS NULL;
CREATE INDEX legal_holds_inbox ON legal_holds (inbox_id) WHERE lifted_at IS NULL;

-- Who looked at or changed what; append-only, each entry sealed with the hash of the
-- one before it (src/privacy/chain.rs). `session` is a hash of the session, never the
-- token. No foreign keys: an entry outlives what it names.
CREATE TABLE access_log (
    id              INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    user_id         INTEGER,
    role            TEXT NOT NULL,
    action          TEXT NOT NULL,
    conversation_id INTEGER,
    inbox_id        INTEGER,
    session         TEXT NOT NULL,
    detail          TEXT NOT NULL,
    prev_hash       BLOB NOT NULL,
    hash            BLOB NOT NULL
);
CREATE INDEX access_log_at ON access_log (at);
CREATE INDEX access_log_conversation ON access_log (conversation_id);

