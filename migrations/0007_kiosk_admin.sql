-- Kiosk management: when a kiosk was last seen (written at most once a minute per kiosk)
-- and when its device was revoked (the device cookie stops working at once).
ALTER TABLE kiosks ADD COLUMN last_seen_at INTEGER;
ALTER TABLE kiosks ADD COLUMN revoked_at INTEGER;
