-- schedules/ledger_in_state: the scheduled runs in one state, oldest first
-- (interrupted runs to mark, deliveries to resume).
SELECT job, scheduled_for, attempts, run_id, updated_at FROM schedule_ledger WHERE state = ? ORDER BY scheduled_for, job;
