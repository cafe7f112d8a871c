-- trend: findings by rule family over the stored controls runs of one structure (the chart
-- « constats par famille et semaine »): for each ISO week of the 12 weeks up to D, the latest run
-- covering the structure, and its findings counted by family (the part of the rule before '-').
-- $1: the as-of date D. $2: code_structure.
-- Columns: as_of (the run's), family (NULL for a run without findings), n. Sorted by as_of, family.
WITH runs AS (
    SELECT c.run_id, c.as_of,
           row_number() OVER (PARTITION BY date_trunc('week', c.as_of) ORDER BY c.as_of DESC, c.run_id DESC) AS rn
    FROM control_runs c
    WHERE c.as_of <= $1::DATE AND c.as_of > $1::DATE - 84
      AND (c.structures IS NULL OR list_contains(c.structures, $2::VARCHAR))
)
SELECT r.as_of, split_part(f.rule, '-', 1) AS family, count(f.rule) AS n
FROM runs r
LEFT JOIN findings f ON f.run_id = r.run_id AND f.code_structure = $2::VARCHAR
WHERE r.rn = 1
GROUP BY ALL
ORDER BY r.as_of, family NULLS FIRST;
