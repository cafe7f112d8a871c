-- 0050_reference_runs: which controls runs are the reference of their period.
--
-- control_runs.reference is 'weekly' for the weekly control (Monday 07:00, the job weekly_control),
-- 'monthly' for the monthly report's controls, NULL for any other run (the daily controls, a run
-- by hand). The reports' « nouveaux / résolus » compare a run with the reference run of the
-- period before (sql/reports/reference_run.sql), so that the runs in between change nothing.
ALTER TABLE control_runs ADD COLUMN reference VARCHAR;
