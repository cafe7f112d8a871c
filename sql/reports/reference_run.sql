-- reference_run: the reference controls run a report compares with (« nouveaux / résolus »): the
-- latest run of the reference kind $1 ('weekly' or 'monthly') whose as-of date is on or before the
-- cut-off $2 (weekly: D - 7 days, the Monday control of the week before; monthly: the last day of
-- the month before D) and that covered structure $3.
-- Columns: run_id, as_of. No row when there is none.
SELECT run_id, as_of
FROM control_runs
WHERE reference = $1 AND as_of <= $2::DATE
  AND (structures IS NULL OR list_contains(structures, $3::VARCHAR))
ORDER BY as_of DESC, run_id DESC
LIMIT 1;
