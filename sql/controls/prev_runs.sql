-- prev_runs: for each structure of the run's scope (temp table run_scope), the latest earlier
-- control run ($1 = this run's id) that covered it, NULL when none.
CREATE OR REPLACE TEMP TABLE prev_runs AS
SELECT s.code_structure,
       (SELECT max(cr.run_id) FROM control_runs cr
        WHERE cr.run_id < $1
          AND (cr.structures IS NULL OR list_contains(cr.structures, s.code_structure))) AS prev_run
FROM run_scope s
