-- schedules/heartbeat_set: record the instant the daemon looked at the clock.
INSERT OR REPLACE INTO schedule_heartbeat (id, last_tick) VALUES (1, ?::TIMESTAMP);
