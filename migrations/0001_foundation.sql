-- Loket foundation schema.
-- Every time is an INTEGER of unix milliseconds (UTC). Every row a retention job may later
-- delete (sessions, conversations, messages) carries its creation time.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE queues (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name_nl    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('chat', 'video')),
    priority   INTEGER NOT NULL DEFAULT 0,
    is_demo    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

-- The three queues every site has. Sites add topic queues of their own.
INSERT INTO queues (slug, name_nl, name_en, channel, created_at) VALUES
    ('chat',  'Chat met een medewerker',         'Chat with an employee',           'chat',  0),
    ('video', 'Videobellen met een medewerker',  'Video call with an employee',     'video', 0),
    ('ngt',   'Videobellen met een gebarentolk', 'Video call with a sign language interpreter', 'video', 0);

CREATE TABLE topics (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name_nl    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    is_demo    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE faqs (
    id          INTEGER PRIMARY KEY,
    question_nl TEXT NOT NULL,
    answer_nl   TEXT NOT NULL,
    question_en TEXT NOT NULL,
    answer_en   TEXT NOT NULL,
    is_demo     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'interpreter', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    chat_capacity INTEGER NOT NULL DEFAULT 3,
    is_demo       INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE user_skills (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    queue_id INTEGER NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, queue_id)
);

-- Staff sessions. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One resident's contact, from first click to wrap-up.
-- The resident reaches it only through a random capability token (stored hashed).
CREATE TABLE conversations (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB NOT NULL UNIQUE,
    queue_id      INTEGER NOT NULL REFERENCES queues (id),
    topic_id      INTEGER REFERENCES topics (id),
    resident_name TEXT NOT NULL DEFAULT '',
    lang          TEXT NOT NULL DEFAULT 'nl',
    origin        TEXT NOT NULL DEFAULT 'web',
    status        TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'ended', 'abandoned')),
    agent_id      INTEGER REFERENCES users (id),
    created_at    INTEGER NOT NULL,
    assigned_at   INTEGER,
    ended_at      INTEGER,
    ended_by      TEXT,
    wrapup_topic  TEXT,
    wrapup_note   TEXT,
    wrapped_at    INTEGER
);
CREATE INDEX conversations_status ON conversations (status);
CREATE INDEX conversations_created ON conversations (created_at);

-- Messages, numbered per conversation from 1 with no gaps.
-- client_id makes a resent message idempotent (no duplicates after a reconnect).
-- A rowid table: new rows append to the end (few dirty pages per commit); the small
-- (conversation_id, seq) index serves reads and resumes.
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    sender          TEXT NOT NULL CHECK (sender IN ('resident', 'agent', 'system')),
    sender_name     TEXT NOT NULL,
    body            TEXT NOT NULL,
    client_id       TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (conversation_id, seq)
);
CREATE UNIQUE INDEX messages_client_id ON messages (conversation_id, client_id)
    WHERE client_id IS NOT NULL;
CREATE INDEX messages_created ON messages (created_at);
