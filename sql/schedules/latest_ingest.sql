-- schedules/latest_ingest: the latest finished ingestion, for the freshness
-- gate: its status (done, refused, failed…), when it ran and its error.
SELECT status, started_at, coalesce(error, '')
FROM runs
WHERE command = 'ingest' AND status <> 'running'
ORDER BY id DESC
LIMIT 1;
