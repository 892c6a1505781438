-- A conversation started at a kiosk is bound to that kiosk: its pages, transcript and
-- live socket open only on that kiosk, and only while it is the kiosk's current
-- conversation (a wipe or the next visitor ends that). Plain id, no foreign key: a
-- deleted kiosk must not set it free. 0: a kiosk conversation of before this version
-- whose kiosk is no longer known (nobody can open it by its link any more).
ALTER TABLE conversations ADD COLUMN kiosk_id INTEGER;
UPDATE conversations SET kiosk_id = 0 WHERE origin LIKE 'kiosk: %';
UPDATE conversations SET kiosk_id = (SELECT k.id FROM kiosks k WHERE k.current_conversation = conversations.id)
    WHERE id IN (SELECT current_conversation FROM kiosks WHERE current_conversation IS NOT NULL);
