-- schedules/interrupt_run: a run left 'running' by a crash or a kill is
-- recorded as cancelled, so `vigie runs` shows it.
UPDATE runs SET status = 'cancelled', ended_at = ?::TIMESTAMP,
       error = 'interrupted: vigie stopped during the run (crash or kill)'
WHERE id = ? AND status = 'running';
