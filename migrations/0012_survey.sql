-- The satisfaction survey after a contact (issue 16).
--
-- An offer is written in the same transaction as the end of an answered live contact
-- (never after an abandoned one), with the staff members who answered or joined it at
-- that moment; an answer at most once per offer. Offers and answers are kept apart so
-- the response rate is exact. The event log gets `survey_offered` and
-- `survey_answered` (with the score, the "answered?" word and the connection word, no
-- text), so reports need nothing from these tables; the optional comment is the
-- resident's own words and goes with the messages' retention term (src/store/privacy.rs).
CREATE TABLE survey_offers (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id),
    offered_at      INTEGER NOT NULL,
    -- The staff members who answered or joined the contact (a JSON array of ids).
    staff           TEXT NOT NULL DEFAULT '[]',
    -- An interpreter took part: the form also asks whether they could see each other.
    interpreter     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE survey_answers (
    conversation_id INTEGER PRIMARY KEY REFERENCES survey_offers (conversation_id),
    answered_at     INTEGER NOT NULL,
    satisfaction    INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
    answered        TEXT NOT NULL CHECK (answered IN ('yes', 'partly', 'no')),
    connection      TEXT CHECK (connection IN ('good', 'sometimes', 'bad')),
    -- Masked like chat messages (BSN, IBAN, card numbers) before it is stored.
    comment         TEXT
);

-- survey_answered: the satisfaction score (1-5). Its `detail` is the "answered?" word
-- ('yes', 'partly', 'no') and its `label` the connection word ('good', 'sometimes',
-- 'bad') or NULL.
ALTER TABLE contact_events ADD COLUMN score INTEGER;
