-- console quarantine: the reasons of a run's quarantined rows, counted per file
-- and column (regional pages; the rows themselves are not shown). $1 run id
SELECT table_name, file, coalesce(column_name, ''), reason, count(*) AS n
FROM quarantine WHERE run_id = $1
GROUP BY ALL ORDER BY n DESC, table_name LIMIT 200
