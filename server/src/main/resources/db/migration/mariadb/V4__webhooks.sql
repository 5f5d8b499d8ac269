-- Webhooks (docs/webhooks.md): the outbox of events to POST, and which users were announced online.
-- An event row is written BEFORE it is sent, in the same transaction as the change it reports
-- where there is one (ack, read), and stays until the receiver answers 2xx (state 1, deleted after
-- webhooks.retention) or the attempts run out (state 2, kept for inspection).
-- Times are epoch milliseconds (BIGINT) so the three dialects compare them the same way.
-- A node claims a row by setting locked_by/locked_until (a lease) with a conditional UPDATE: two
-- nodes never send the same row at the same time; a node that dies leaves a lease that expires.

CREATE TABLE webhook_outbox (
    id              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id        VARCHAR(64) NOT NULL,        -- the event's id in the body, for the receiver's dedupe
    type            VARCHAR(64) NOT NULL,
    body            MEDIUMTEXT NOT NULL,          -- the exact JSON POSTed on every attempt
    created_at      BIGINT NOT NULL,
    state           SMALLINT NOT NULL DEFAULT 0,   -- 0 pending, 1 delivered, 2 failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until    BIGINT NOT NULL DEFAULT 0,
    locked_by       VARCHAR(80),
    delivered_at    BIGINT,
    last_error      VARCHAR(300),
    CONSTRAINT wo_event_id UNIQUE (event_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- the claim: due pending rows, oldest due first; retention: delivered rows by age
CREATE INDEX wo_due ON webhook_outbox (state, next_attempt_at, id);
CREATE INDEX wo_delivered ON webhook_outbox (state, delivered_at);

-- users announced online (user.online sent); offline_since > 0 once presence lost them, and the
-- row goes (with a user.offline event) when they stayed away for webhooks.offline-grace
CREATE TABLE webhook_presence (
    user_id       BIGINT NOT NULL PRIMARY KEY,
    offline_since BIGINT NOT NULL DEFAULT 0
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
