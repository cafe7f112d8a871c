-- structures: the structures a report run covers, each with the latest controls run that covers
-- it (control_runs.structures NULL = all) and whose as-of date is on or before D.
-- $1: the as-of date D. $2: one structure code, or NULL for all.
-- Columns: code_structure, nom, run_id, as_of, date_debut, date_fin (these four NULL when no
-- controls run covers the structure yet), dossiers (the dossiers it follows: not archived; the
-- regional summary ranks structures by findings per 100 of them). Sorted by code_structure.
WITH covering AS (
    SELECT s.code_structure, c.run_id, c.as_of, c.date_debut, c.date_fin,
           row_number() OVER (PARTITION BY s.code_structure ORDER BY c.as_of DESC, c.run_id DESC) AS rn
    FROM structures s
    JOIN control_runs c ON c.structures IS NULL OR list_contains(c.structures, s.code_structure)
    WHERE c.as_of <= $1::DATE
), followed AS (
    SELECT d.code_structure, count(*) AS n
    FROM dossiers d
    WHERE NOT d.archive
    GROUP BY ALL
)
SELECT s.code_structure, s.nom, c.run_id, c.as_of, c.date_debut, c.date_fin, coalesce(f.n, 0) AS dossiers
FROM structures s
LEFT JOIN covering c ON c.code_structure = s.code_structure AND c.rn = 1
LEFT JOIN followed f ON f.code_structure = s.code_structure
WHERE $2::VARCHAR IS NULL OR s.code_structure = $2::VARCHAR
ORDER BY s.code_structure;
