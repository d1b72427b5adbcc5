-- proign durable queue, PostgreSQL schema version 1, created in the schema named by
-- __SCHEMA__ (the queue replaces it with its configured, validated schema name).
-- All times are milliseconds since the Unix epoch, read from the host's clock.
-- A job is waiting when state = 0 and run_at <= now; while leased, run_at holds the lease's
-- expiry and lease_token the holder's token. state = 1 marks a dead letter. state = 2 marks
-- a finished job kept (without its payload) only so that its dedup key keeps refusing
-- copies; run_at then holds when the marker may be removed.
CREATE SCHEMA IF NOT EXISTS __SCHEMA__;

CREATE TABLE IF NOT EXISTS __SCHEMA__.proign_jobs (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT   NOT NULL,
    payload         BYTEA  NOT NULL,
    dedup_key       TEXT   UNIQUE,
    idempotency_key TEXT   NOT NULL,
    state           BIGINT NOT NULL DEFAULT 0,
    attempts        BIGINT NOT NULL DEFAULT 0,
    max_attempts    BIGINT NOT NULL,
    run_at          BIGINT NOT NULL,
    lease_token     BIGINT,
    last_error      TEXT,
    enqueued_at     BIGINT NOT NULL,
    dead_at         BIGINT
);
CREATE INDEX IF NOT EXISTS proign_jobs_due ON __SCHEMA__.proign_jobs (state, run_at);

CREATE TABLE IF NOT EXISTS __SCHEMA__.proign_dedup (
    scope      TEXT   NOT NULL,
    key        TEXT   NOT NULL,
    claimed_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS proign_dedup_expiry ON __SCHEMA__.proign_dedup (expires_at);

CREATE TABLE IF NOT EXISTS __SCHEMA__.proign_schedules (
    name        TEXT PRIMARY KEY,
    next_run_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS __SCHEMA__.proign_checkpoints (
    integration     TEXT PRIMARY KEY,
    last_event_id   TEXT,
    last_updated_at BIGINT,
    cursor          TEXT,
    saved_at        BIGINT NOT NULL
);
