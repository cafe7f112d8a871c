-- schedules/ledger_get: the ledger row of one (job, scheduled instant).
SELECT state, attempts, run_id FROM schedule_ledger WHERE job = ? AND scheduled_for = ?::TIMESTAMP;
