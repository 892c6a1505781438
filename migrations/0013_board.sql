-- The live wallboard (issue 16): read-only tokens for a wall screen (TV mode).
--
-- A supervisor makes one on /staff/overzicht and sees its link once; only the SHA-256
-- hash of the token is kept (like kiosk enrolment links). A token opens the anonymous
-- board (`/tv/{token}` and its figures) and nothing else; revoking it stops it at once.
CREATE TABLE board_tokens (
    id           INTEGER PRIMARY KEY,
    -- Where the screen hangs ("KCC 2e verdieping"), typed by the supervisor.
    label        TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_by   INTEGER REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

-- staff_events (0011) now also carries 'busy' (holds a contact) and 'wrap_up' (holds
-- nothing, a wrap-up is still open) beside 'available', 'away' and 'offline'; the column
-- has no CHECK, so no change is needed here.
