-- Level of a notification (seed 001): 'urgent' = store and push, 'normal' = store only. Normal
-- ones are never pushed (not live, not on connect or sync, not by the retry job), so the two
-- delivery indexes carry the level in their key and the delivery queries ask for urgent rows.
-- Rows stored before this migration were all urgent (normal ones were pushed like them).
ALTER TABLE system_notifications
    ADD COLUMN level VARCHAR(10) NOT NULL DEFAULT 'urgent',
    ADD CONSTRAINT sn_level_known CHECK (level IN ('urgent', 'normal')),
    DROP INDEX sn_user_undelivered,
    ADD KEY sn_user_undelivered (user_id, sent_via_websocket, deleted_at, level),
    DROP INDEX sn_retry,
    ADD KEY sn_retry (sent_via_websocket, deleted_at, level, retry_count);
