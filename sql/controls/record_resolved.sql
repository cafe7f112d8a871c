-- record_resolved: the findings of each structure's previous run (temp table prev_runs) that
-- run $1 no longer finds.
INSERT INTO findings_resolved
SELECT $1, f.run_id, f.rule, f.gravite, f.code_structure, f.objet, f.id_objet, f.id_lie, f.id_dossier,
       f.detail, f.premiere_detection, f.nb_runs
FROM findings f
JOIN prev_runs p ON f.run_id = p.prev_run AND f.code_structure = p.code_structure
WHERE NOT EXISTS (
    SELECT 1 FROM findings c
    WHERE c.run_id = $1
      AND c.rule = f.rule
      AND c.code_structure = f.code_structure
      AND c.objet = f.objet
      AND c.id_objet = f.id_objet
      AND c.id_lie IS NOT DISTINCT FROM f.id_lie)
