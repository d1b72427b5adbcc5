-- proign durable queue, SQLite schema version 1.
-- All times are milliseconds since the Unix epoch, read from the host's clock.
-- A job is waiting when state = 0 and run_at <= now; while leased, run_at holds the lease's
-- expiry and lease_token the holder's token. state = 1 marks a dead letter. state = 2 marks
-- a finished job kept (without its payload) only so that its dedup key keeps refusing
-- copies; run_at then holds when the marker may be removed.
CREATE TABLE IF NOT EXISTS proign_jobs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL,
    payload         BLOB    NOT NULL,
    dedup_key       TEXT    UNIQUE,
    idempotency_key TEXT    NOT NULL,
    state           INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL,
    run_at          INTEGER NOT NULL,
    lease_token     INTEGER,
    last_error      TEXT,
    enqueued_at     INTEGER NOT NULL,
    dead_at         INTEGER
);
CREATE INDEX IF NOT EXISTS proign_jobs_due ON proign_jobs (state, run_at);

CREATE TABLE IF NOT EXISTS proign_dedup (
    scope      TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    claimed_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS proign_dedup_expiry ON proign_dedup (expires_at);

CREATE TABLE IF NOT EXISTS proign_schedules (
    name        TEXT PRIMARY KEY,
    next_run_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS proign_checkpoints (
    integration     TEXT PRIMARY KEY,
    last_event_id   TEXT,
    last_updated_at INTEGER,
    cursor          TEXT,
    saved_at        INTEGER NOT NULL
);

PRAGMA user_version = 1;
