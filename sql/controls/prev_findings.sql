-- prev_findings: the identities of the findings of each structure's previous run (temp table
-- prev_runs), with their history, read once per run so that recording each family compares
-- with them without scanning every stored run's findings. Sorted by rule, so that a family's
-- range of rules reads only its own row groups.
CREATE OR REPLACE TEMP TABLE prev_findings AS
SELECT f.rule, f.code_structure, f.objet, f.id_objet, f.id_lie, f.premiere_detection, f.nb_runs
FROM findings f
JOIN prev_runs p ON f.run_id = p.prev_run AND f.code_structure = p.code_structure
ORDER BY f.rule, f.id_objet
