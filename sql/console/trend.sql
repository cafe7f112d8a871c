-- console trend: findings per gravité over the last eight control runs (one per
-- as-of date, the latest that day) of the scope.
-- $1 scope structure (NULL: the region)   $2 as-of date
WITH r AS (
    SELECT as_of, max(run_id) AS run_id
    FROM control_runs
    WHERE as_of <= $2::DATE AND (structures IS NULL OR $1::VARCHAR IS NULL OR list_contains(structures, $1))
    GROUP BY as_of
    ORDER BY as_of DESC
    LIMIT 8
)
SELECT r.as_of, coalesce(f.gravite, ''), count(f.rule) AS n
FROM r LEFT JOIN findings f ON f.run_id = r.run_id AND ($1::VARCHAR IS NULL OR f.code_structure = $1)
GROUP BY ALL
ORDER BY 1, 2
