-- 0040_schedules: the scheduler's ledger and the delivery ledger.
--
-- schedule_ledger holds one row per (job, scheduled instant): the primary key
-- is what makes each scheduled run happen once, whatever crashes, restarts or
-- second daemons occur. scheduled_for is the naive Europe/Paris local time the
-- run is for (so the two passes through 02:30 on the fall-back day are one key).
-- state: claimed (running), produced (steps done, delivery pending), done,
-- held (freshness gate), failed, delivery_failed, interrupted, missed.
CREATE TABLE schedule_ledger (
    job           VARCHAR NOT NULL,
    scheduled_for TIMESTAMP NOT NULL,
    state         VARCHAR NOT NULL,
    run_id        BIGINT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    updated_at    TIMESTAMP NOT NULL,
    detail        VARCHAR,
    PRIMARY KEY (job, scheduled_for)
);

-- The files a scheduled run produced and whom they are for (a structure code,
-- or 'analysts'), kept so a delivery interrupted by a crash resumes without
-- running the steps again.
CREATE TABLE schedule_outputs (
    job           VARCHAR NOT NULL,
    scheduled_for TIMESTAMP NOT NULL,
    path          VARCHAR NOT NULL,
    audience      VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    PRIMARY KEY (job, scheduled_for, path)
);

-- The last time the daemon looked at the clock: runs due between it and a
-- restart were missed.
CREATE TABLE schedule_heartbeat (
    id        INTEGER PRIMARY KEY,
    last_tick TIMESTAMP NOT NULL
);

-- Who received which file, when, by which channel (outbox, email), with its
-- SHA-256. status is sent or failed; one 'sent' row per (recipient, file,
-- job, scheduled_for, channel) at most. recipient is an id (direction_ML33A,
-- analyste_<id>), never an address.
CREATE TABLE delivery_ledger (
    recipient     VARCHAR NOT NULL,
    file          VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    job           VARCHAR NOT NULL,
    scheduled_for TIMESTAMP NOT NULL,
    delivered_at  TIMESTAMP NOT NULL,
    channel       VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,
    error         VARCHAR
);
