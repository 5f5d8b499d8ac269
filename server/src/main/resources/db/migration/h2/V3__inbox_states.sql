-- Inbox 2.0 (SPEC §7): states (archived, snoozed), collapsing (group_key, group_count and the
-- notification_groups lock rows), actions (offered buttons, the one taken) and per-user
-- preferences. Every new column has a default that describes an existing row exactly: not
-- archived, not snoozed, no group (count 1), no actions. See docs/storage.md.
ALTER TABLE system_notifications ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE system_notifications ADD COLUMN archived_at TIMESTAMP(3) WITH TIME ZONE;
ALTER TABLE system_notifications ADD COLUMN snoozed_until TIMESTAMP(3) WITH TIME ZONE;
ALTER TABLE system_notifications ADD COLUMN group_key CHARACTER VARYING(128);
ALTER TABLE system_notifications ADD COLUMN group_count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE system_notifications ADD COLUMN actions CHARACTER VARYING;       -- JSON array, NULL when none
ALTER TABLE system_notifications ADD COLUMN action_taken CHARACTER VARYING;  -- JSON {id, at}, NULL until taken
ALTER TABLE system_notifications ADD CONSTRAINT sn_group_count_positive CHECK (group_count > 0);

-- the snooze wake job: due rows, earliest first
CREATE INDEX sn_snoozed ON system_notifications (snoozed_until, id);

-- One row per (user, group_key) ever sent: the lock a collapsing send takes (SELECT … FOR UPDATE)
-- before it decides between updating the group's notification and inserting a new one.
CREATE TABLE notification_groups (
    user_id         BIGINT NOT NULL,
    group_key       CHARACTER VARYING(128) NOT NULL,
    notification_id BIGINT,                                  -- the group's current notification
    started_at      TIMESTAMP(3) WITH TIME ZONE NOT NULL,    -- when that notification was first stored
    PRIMARY KEY (user_id, group_key)
);

-- Preferences: one row per (user, 'category' | 'type', name) that is not the default 'on'.
CREATE TABLE notification_preferences (
    user_id BIGINT NOT NULL,
    kind    CHARACTER VARYING(10) NOT NULL,
    name    CHARACTER VARYING(50) NOT NULL,
    mode    CHARACTER VARYING(10) NOT NULL,
    PRIMARY KEY (user_id, kind, name),
    CONSTRAINT np_kind_known CHECK (kind IN ('category', 'type')),
    CONSTRAINT np_mode_known CHECK (mode IN ('quiet', 'off'))
);

CREATE TABLE notification_settings (
    user_id BIGINT PRIMARY KEY,
    email   CHARACTER VARYING(254)
);
