-- Level of a notification (seed 001): 'urgent' = store and push, 'normal' = store only. Normal
-- ones are never pushed (not live, not on connect or sync, not by the retry job), so they are
-- left out of the two partial delivery indexes and the delivery queries ask for urgent rows.
-- Rows stored before this migration were all urgent (normal ones were pushed like them).
ALTER TABLE system_notifications ADD COLUMN level varchar(10) NOT NULL DEFAULT 'urgent';
ALTER TABLE system_notifications ADD CONSTRAINT sn_level_known CHECK (level IN ('urgent', 'normal'));

DROP INDEX sn_user_undelivered;
CREATE INDEX sn_user_undelivered ON system_notifications (user_id, id)
    WHERE deleted_at IS NULL AND sent_via_websocket = FALSE AND level = 'urgent';
DROP INDEX sn_retry;
CREATE INDEX sn_retry ON system_notifications (retry_count, id)
    WHERE deleted_at IS NULL AND sent_via_websocket = FALSE AND level = 'urgent';
