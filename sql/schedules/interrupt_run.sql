-- schedules/interrupt_run: a run left 'running' by a crash or a kill is
-- recorded as cancelled, so `vigie runs` shows it.
UPDATE runs SET status = 'cancelled', ended_at = ?::TIMESTAMP,
       error = 'interrompue : vigie s''est arrêté pendant l''exécution (plantage ou arrêt forcé)'
WHERE id = ? AND status = 'running';
