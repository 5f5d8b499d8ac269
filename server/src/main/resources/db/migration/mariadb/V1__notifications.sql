-- Herald schema, MariaDB flavour (10.6+; MySQL URLs use it too). One folder per vendor
-- (h2, postgresql, mariadb): the three files create the same tables, columns and query paths;
-- only types, identity syntax and index shapes differ. See docs/storage.md.
-- Timestamps: DATETIME(3) holding UTC (never TIMESTAMP: no 2038 limit, no session time zone).
-- Text columns use utf8mb4_unicode_ci, so keyword search is case-insensitive as on the others
-- (ILIKE); the idempotency key is binary so keys differing only in case stay distinct.
-- InnoDB appends the primary key (id) to every secondary index, giving the id tiebreak order.

CREATE TABLE system_notifications (
    id                 BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id            BIGINT NOT NULL,
    title              VARCHAR(255) NOT NULL,
    content            MEDIUMTEXT NOT NULL,
    type               VARCHAR(50) NOT NULL,
    category           VARCHAR(50) NOT NULL,
    data               LONGTEXT NULL,          -- JSON text, NULL when absent
    action_type        VARCHAR(50) NULL,
    action_data        MEDIUMTEXT NULL,
    is_read            BOOLEAN NOT NULL DEFAULT FALSE,
    read_at            DATETIME(3) NULL,
    sent_via_websocket BOOLEAN NOT NULL DEFAULT FALSE,
    sent_at            DATETIME(3) NULL,
    retry_count        INT NOT NULL DEFAULT 0,
    created_at         DATETIME(3) NOT NULL,
    updated_at         DATETIME(3) NOT NULL,
    deleted_at         DATETIME(3) NULL,       -- soft delete
    CONSTRAINT sn_user_id_positive CHECK (user_id > 0),
    -- unread count / unread list / mark-all-read / list filtered by is_read, newest first
    KEY sn_user_read (user_id, is_read, deleted_at, created_at),
    -- list and statistics of one user, newest first
    KEY sn_user_created (user_id, deleted_at, created_at),
    -- sync on connect: a user's undelivered rows, oldest first
    KEY sn_user_undelivered (user_id, sent_via_websocket, deleted_at),
    -- retry job: undelivered rows with retries left
    KEY sn_retry (sent_via_websocket, deleted_at, retry_count),
    -- retention: read rows by age, soft-deleted rows by deletion time
    KEY sn_read_created (is_read, created_at),
    KEY sn_deleted (deleted_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE known_users (
    user_id    BIGINT NOT NULL PRIMARY KEY,
    first_seen DATETIME(3) NOT NULL,
    last_seen  DATETIME(3) NOT NULL
) ENGINE = InnoDB;

CREATE TABLE idempotency_keys (
    idempotency_key  VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    created_at       DATETIME(3) NOT NULL,
    notification_ids LONGTEXT NULL,            -- ids created for the key, as ranges "1-5,9"
    KEY idempotency_keys_created (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
