-- schedules/heartbeat_get: the last instant the daemon looked at the clock.
SELECT last_tick FROM schedule_heartbeat WHERE id = 1;
