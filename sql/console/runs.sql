-- console runs: the latest runs, with their quarantined rows counted (regional pages).
-- $1 limit
SELECT r.id, r.command, r.arguments, r.as_of, r.job, r.started_at, r.ended_at, r.status, r.error,
       coalesce(sum(f.rows_read), 0) AS lues, coalesce(sum(f.rows_quarantined), 0) AS quarantaine
FROM runs r LEFT JOIN run_files f ON f.run_id = r.id
GROUP BY ALL
ORDER BY r.id DESC
LIMIT $1
