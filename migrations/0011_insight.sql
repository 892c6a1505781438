-- Insight (issue 16): the contact event log and the staff state log.
--
-- Append-only. Each row records one thing that happened to one contact, written by the
-- store in the same transaction as the change it records (src/store/events.rs), from
-- what the broker decided. Reports are computed from these rows alone
-- (src/insight/). No personal data: no names, no text, no addresses; retention never
-- touches this table, so the figures survive it. Each row carries the contact's queue,
-- channel, topic and origin at that moment, so a report needs no join.
CREATE TABLE contact_events (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER REFERENCES conversations (id),
    inbox_id        INTEGER REFERENCES inbox_items (id),
    at              INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN (
        'queued', 'offered', 'declined', 'offer_timed_out', 'offer_withdrawn',
        'answered', 'requeued', 'overflowed', 'reassigned', 'abandoned', 'ended',
        'wrapped_up', 'interpreter_requested', 'interpreter_joined', 'interpreter_left',
        'message_left', 'message_picked_up', 'message_answered',
        'survey_offered', 'survey_answered')),
    queue_id        INTEGER NOT NULL,
    -- The queue's channel ('chat', 'video'), or the left message's ('form', 'whatsapp',
    -- 'email').
    channel         TEXT NOT NULL,
    topic_id        INTEGER,
    -- The contact's origin as stored ('web', 'kiosk: <location>', 'link: <slug>',
    -- 'message', 'accessibility-report').
    origin          TEXT NOT NULL,
    -- The staff member the event is about (offered to, answered by, ended by, ...).
    staff_id        INTEGER,
    -- abandoned: the place in line (NULL: it was being offered).
    position        INTEGER,
    -- abandoned: how long the resident waited.
    waited_ms       INTEGER,
    -- A short fixed word: who ended it ('resident', 'agent', 'system'), the wrap-up's
    -- resolved answer ('resolved', 'not_resolved', ''), the answering staff member's role,
    -- the queue an overflow came from. Never free text.
    detail          TEXT NOT NULL DEFAULT '',
    -- wrapped_up: the wrap-up topic label (a fixed list the site configures).
    label           TEXT,
    CHECK ((conversation_id IS NULL) != (inbox_id IS NULL))
);
-- A report finds a period's contacts by their arrival (kind, at), then each contact's
-- events in time order (conversation or message, at).
CREATE INDEX contact_events_kind_at ON contact_events (kind, at);
CREATE INDEX contact_events_conversation ON contact_events (conversation_id, at) WHERE conversation_id IS NOT NULL;
CREATE INDEX contact_events_inbox ON contact_events (inbox_id, at) WHERE inbox_id IS NOT NULL;

-- Staff presence changes, as the broker decided them ('available', 'away', 'offline'),
-- with the reason ('chosen', 'missed_offer', 'disconnected', ...).
CREATE TABLE staff_events (
    id       INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    state    TEXT NOT NULL,
    reason   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX staff_events_at ON staff_events (at);

-- The wrap-up says whether the question was resolved at this first contact.
ALTER TABLE conversations ADD COLUMN wrapup_resolved INTEGER;

-- Contacts from before this version: their events are rebuilt from what the rows kept,
-- so reports over earlier periods are not empty (offers and requeues were not kept).
INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id, origin)
SELECT c.id, c.created_at, 'queued', c.queue_id, q.channel, c.topic_id, c.origin
FROM conversations c JOIN queues q ON q.id = c.queue_id;
INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id, origin, staff_id)
SELECT c.id, c.assigned_at, 'answered', c.queue_id, q.channel, c.topic_id, c.origin, c.agent_id
FROM conversations c JOIN queues q ON q.id = c.queue_id WHERE c.assigned_at IS NOT NULL;
INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id, origin, waited_ms)
SELECT c.id, c.ended_at, 'abandoned', c.queue_id, q.channel, c.topic_id, c.origin,
       c.ended_at - c.created_at
FROM conversations c JOIN queues q ON q.id = c.queue_id
WHERE c.status = 'abandoned' AND c.ended_at IS NOT NULL;
INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id, origin, staff_id, detail)
SELECT c.id, c.ended_at, 'ended', c.queue_id, q.channel, c.topic_id, c.origin, c.agent_id,
       COALESCE(c.ended_by, '')
FROM conversations c JOIN queues q ON q.id = c.queue_id
WHERE c.status = 'ended' AND c.ended_at IS NOT NULL;
INSERT INTO contact_events (conversation_id, at, kind, queue_id, channel, topic_id, origin, staff_id, label)
SELECT c.id, c.wrapped_at, 'wrapped_up', c.queue_id, q.channel, c.topic_id, c.origin, c.agent_id,
       c.wrapup_topic
FROM conversations c JOIN queues q ON q.id = c.queue_id WHERE c.wrapped_at IS NOT NULL;
INSERT INTO contact_events (inbox_id, at, kind, queue_id, channel, topic_id, origin)
SELECT i.id, i.created_at, 'message_left', i.queue_id, i.channel, i.topic_id, 'message'
FROM inbox_items i;
INSERT INTO contact_events (inbox_id, at, kind, queue_id, channel, topic_id, origin, staff_id)
SELECT i.id, i.answered_at, 'message_answered', i.queue_id, i.channel, i.topic_id, 'message',
       i.answered_by
FROM inbox_items i WHERE i.answered_at IS NOT NULL;
