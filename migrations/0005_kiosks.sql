-- Kiosks: shared terminals at district offices. A supervisor registers one (name,
-- location); a one-time enrolment link turns a browser into that kiosk by giving it a
-- long-lived device cookie. Tokens are stored as SHA-256 hashes only.
CREATE TABLE kiosks (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL,
    location             TEXT NOT NULL,
    idle_secs            INTEGER NOT NULL DEFAULT 120,
    enrol_hash           BLOB UNIQUE,
    device_hash          BLOB UNIQUE,
    -- The one conversation the kiosk may show; cleared when a resident is done.
    current_conversation INTEGER REFERENCES conversations (id),
    created_by           INTEGER REFERENCES users (id),
    created_at           INTEGER NOT NULL,
    enrolled_at          INTEGER
);
