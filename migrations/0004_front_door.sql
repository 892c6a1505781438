-- The front door: opening hours per queue, and messages left out of hours.

-- A queue's opening hours (JSON of `schedule::Schedule`: weekly spans and dated
-- exceptions, Europe/Amsterdam). A queue without a row is always open.
CREATE TABLE queue_schedules (
    queue_id   INTEGER PRIMARY KEY REFERENCES queues (id) ON DELETE CASCADE,
    schedule   TEXT NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    updated_at INTEGER NOT NULL
);

-- How a resident who left a message wants to be reached: 'email', 'phone', or 'return'
-- (they come back to the conversation page with its link).
ALTER TABLE conversations ADD COLUMN contact_method TEXT;
ALTER TABLE conversations ADD COLUMN contact_value TEXT;
