-- schedules/ledger_update: move a (job, scheduled instant) to a new state.
UPDATE schedule_ledger
SET state = ?, run_id = coalesce(?, run_id), attempts = attempts + ?, updated_at = ?::TIMESTAMP, detail = ?
WHERE job = ? AND scheduled_for = ?::TIMESTAMP;
