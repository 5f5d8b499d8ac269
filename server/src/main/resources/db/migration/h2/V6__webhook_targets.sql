-- Pusher-format webhooks (docs/pusher.md, "Webhooks") share the outbox of V4 with Herald's own:
-- a row names its receiver and its format, and the dispatcher signs each row as its format says.
--   target: '' for Herald's webhooks.url, else the Pusher app id (its pusher.webhooks url, key, secret)
--   format: 0 Herald's event JSON with Herald-Signature, 1 Pusher's {time_ms, events} with
--           X-Pusher-Key / X-Pusher-Signature
-- Existing rows are Herald's (the defaults).
ALTER TABLE webhook_outbox ADD COLUMN target CHARACTER VARYING(64) NOT NULL DEFAULT '';
ALTER TABLE webhook_outbox ADD COLUMN format SMALLINT NOT NULL DEFAULT 0;

-- channels announced occupied (channel_occupied stored) and not yet vacated, cluster-wide: the
-- insert that wins (primary key) stores channel_occupied, the delete that removes the row stores
-- channel_vacated, each in the same transaction as its outbox rows
CREATE TABLE pusher_occupied (
    channel CHARACTER VARYING(200) NOT NULL PRIMARY KEY
);
