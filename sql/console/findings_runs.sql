-- console findings (runs): the as-of date of the latest control run of each
-- structure (latest_runs.sql, which this text follows), so that a page names
-- the date of the run it shows.
-- $1 NULL (the region)   $2 as-of date   $3 NULL
SELECT l.code_structure, c.as_of
FROM latest l JOIN control_runs c USING (run_id)
