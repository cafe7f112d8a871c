-- schedules/outputs_insert: a file a scheduled run produced, and whom it is for.
INSERT OR REPLACE INTO schedule_outputs (job, scheduled_for, path, audience, sha256) VALUES (?, ?::TIMESTAMP, ?, ?, ?);
