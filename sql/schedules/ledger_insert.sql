-- schedules/ledger_insert: claim a (job, scheduled instant); the primary key
-- refuses a second claim.
INSERT INTO schedule_ledger (job, scheduled_for, state, run_id, attempts, updated_at, detail)
VALUES (?, ?::TIMESTAMP, ?, ?, ?, ?::TIMESTAMP, ?);
