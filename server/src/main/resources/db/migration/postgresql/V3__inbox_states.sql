-- Inbox 2.0 (SPEC §7): states (archived, snoozed), collapsing (group_key, group_count and the
-- notification_groups lock rows), actions (offered buttons, the one taken) and per-user
-- preferences. Every new column has a default that describes an existing row exactly: not
-- archived, not snoozed, no group (count 1), no actions. See docs/storage.md.
ALTER TABLE system_notifications
    ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN archived_at TIMESTAMPTZ(3),
    ADD COLUMN snoozed_until TIMESTAMPTZ(3),
    ADD COLUMN group_key VARCHAR(128),
    ADD COLUMN group_count INTEGER NOT NULL DEFAULT 1,
    ADD COLUMN actions TEXT,        -- JSON array, NULL when none
    ADD COLUMN action_taken TEXT,   -- JSON {id, at}, NULL until taken
    ADD CONSTRAINT sn_group_count_positive CHECK (group_count > 0);

-- the snooze wake job: due rows, earliest first (only snoozed rows are in it)
CREATE INDEX sn_snoozed ON system_notifications (snoozed_until, id) WHERE snoozed_until IS NOT NULL;

-- One row per (user, group_key) ever sent: the lock a collapsing send takes (SELECT … FOR UPDATE)
-- before it decides between updating the group's notification and inserting a new one.
CREATE TABLE notification_groups (
    user_id         BIGINT NOT NULL,
    group_key       VARCHAR(128) NOT NULL,
    notification_id BIGINT,
    started_at      TIMESTAMPTZ(3) NOT NULL,
    PRIMARY KEY (user_id, group_key)
);

-- Preferences: one row per (user, 'category' | 'type', name) that is not the default 'on'.
CREATE TABLE notification_preferences (
    user_id BIGINT NOT NULL,
    kind    VARCHAR(10) NOT NULL,
    name    VARCHAR(50) NOT NULL,
    mode    VARCHAR(10) NOT NULL,
    PRIMARY KEY (user_id, kind, name),
    CONSTRAINT np_kind_known CHECK (kind IN ('category', 'type')),
    CONSTRAINT np_mode_known CHECK (mode IN ('quiet', 'off'))
);

CREATE TABLE notification_settings (
    user_id BIGINT PRIMARY KEY,
    email   VARCHAR(254)
);
