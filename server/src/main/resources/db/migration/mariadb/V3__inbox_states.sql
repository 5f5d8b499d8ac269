-- Inbox 2.0 (SPEC §7): states (archived, snoozed), collapsing (group_key, group_count and the
-- notification_groups lock rows), actions (offered buttons, the one taken) and per-user
-- preferences. Every new column has a default that describes an existing row exactly: not
-- archived, not snoozed, no group (count 1), no actions. See docs/storage.md.
ALTER TABLE system_notifications
    ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN archived_at DATETIME(3) NULL,
    ADD COLUMN snoozed_until DATETIME(3) NULL,
    ADD COLUMN group_key VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    ADD COLUMN group_count INT NOT NULL DEFAULT 1,
    ADD COLUMN actions MEDIUMTEXT NULL,        -- JSON array, NULL when none
    ADD COLUMN action_taken MEDIUMTEXT NULL,   -- JSON {id, at}, NULL until taken
    ADD CONSTRAINT sn_group_count_positive CHECK (group_count > 0),
    -- the snooze wake job: due rows, earliest first
    ADD KEY sn_snoozed (snoozed_until);

-- One row per (user, group_key) ever sent: the lock a collapsing send takes (SELECT … FOR UPDATE)
-- before it decides between updating the group's notification and inserting a new one.
-- Binary collation: keys differing only in case are different groups, as on the others.
CREATE TABLE notification_groups (
    user_id         BIGINT NOT NULL,
    group_key       VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    notification_id BIGINT NULL,
    started_at      DATETIME(3) NOT NULL,
    PRIMARY KEY (user_id, group_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Preferences: one row per (user, 'category' | 'type', name) that is not the default 'on'.
CREATE TABLE notification_preferences (
    user_id BIGINT NOT NULL,
    kind    VARCHAR(10) NOT NULL,
    name    VARCHAR(50) NOT NULL,
    mode    VARCHAR(10) NOT NULL,
    PRIMARY KEY (user_id, kind, name),
    CONSTRAINT np_kind_known CHECK (kind IN ('category', 'type')),
    CONSTRAINT np_mode_known CHECK (mode IN ('quiet', 'off'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE notification_settings (
    user_id BIGINT NOT NULL PRIMARY KEY,
    email   VARCHAR(254) NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- The unread count and the unread list ask for visible rows (archived = FALSE AND snoozed_until
-- IS NULL): with both in sn_user_read's key they stay one index range, in created_at order.
ALTER TABLE system_notifications
    DROP INDEX sn_user_read,
    ADD KEY sn_user_read (user_id, is_read, deleted_at, archived, snoozed_until, created_at);
