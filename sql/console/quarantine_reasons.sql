-- console quarantine: the reasons of a run's quarantined rows, counted per file
-- and column (regional pages; the rows themselves are not shown), headed in French.
-- $1 run id
SELECT table_name AS "table", file AS fichier, coalesce(column_name, '') AS colonne, reason AS motif, count(*) AS lignes
FROM quarantine WHERE run_id = $1
GROUP BY ALL ORDER BY lignes DESC, "table" LIMIT 200
