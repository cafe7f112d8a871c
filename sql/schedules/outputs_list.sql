-- schedules/outputs_list: the files of a scheduled run, to deliver them.
SELECT path, audience FROM schedule_outputs WHERE job = ? AND scheduled_for = ?::TIMESTAMP ORDER BY path;
