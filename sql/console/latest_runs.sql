-- console latest runs: for each structure of the scope, the latest control run at
-- or before the as-of date that covered it. The statements that read findings
-- and indicators (findings_base.sql, indicators.sql) follow this text.
-- $1 scope structure (NULL: the region)   $2 as-of date   $3 structure filter
WITH latest AS MATERIALIZED (
    SELECT s.code_structure, max(c.run_id) AS run_id
    FROM structures s
    JOIN control_runs c ON c.structures IS NULL OR list_contains(c.structures, s.code_structure)
    WHERE c.as_of <= $2::DATE
      AND ($1::VARCHAR IS NULL OR s.code_structure = $1)
      AND ($3::VARCHAR IS NULL OR s.code_structure = $3)
    GROUP BY ALL
)
