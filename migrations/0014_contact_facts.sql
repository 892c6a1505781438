-- Each contact's fact, folded from its events and stored again whenever one of its events
-- is appended (src/store/facts.rs), so a report reads one row per contact instead of
-- folding a million events. `contact`: the conversation's id, or the left message's id
-- negated. `fact`: a compact JSON array (see `Packed` in facts.rs). Derived data only,
-- with no personal data (like the event log it comes from); it can always be rebuilt
-- from `contact_events`.
CREATE TABLE contact_facts (
    contact   INTEGER PRIMARY KEY,
    queued_at INTEGER NOT NULL,
    fact      TEXT NOT NULL
);
CREATE INDEX contact_facts_queued ON contact_facts (queued_at);
