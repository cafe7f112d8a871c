-- since_reference: the « nouveaux / résolus » of one structure's findings in run $1 compared with
-- the reference run $2 (sql/reports/reference_run.sql), a finding being the same when its rule,
-- object, linked object and structure are. $3: code_structure.
-- Columns: kind ('nouveau' for a finding of $1 not in $2, 'resolu' for one of $2 not in $1), then
-- rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail, premiere_detection,
-- nb_runs. Sorted by kind, rule, id_objet, id_lie.
WITH cur AS (SELECT * FROM findings WHERE run_id = $1 AND code_structure = $3::VARCHAR),
     ref AS (SELECT * FROM findings WHERE run_id = $2 AND code_structure = $3::VARCHAR)
SELECT 'nouveau' AS kind, c.rule, c.gravite, c.code_structure, c.objet, c.id_objet, c.id_lie, c.id_dossier, c.detail,
       c.premiere_detection, c.nb_runs
FROM cur c
WHERE NOT EXISTS (SELECT 1 FROM ref r WHERE r.rule = c.rule AND r.id_objet = c.id_objet
                  AND r.id_lie IS NOT DISTINCT FROM c.id_lie)
UNION ALL
SELECT 'resolu', r.rule, r.gravite, r.code_structure, r.objet, r.id_objet, r.id_lie, r.id_dossier, r.detail,
       r.premiere_detection, r.nb_runs
FROM ref r
WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE c.rule = r.rule AND c.id_objet = r.id_objet
                  AND c.id_lie IS NOT DISTINCT FROM r.id_lie)
ORDER BY kind, rule, id_objet, id_lie NULLS FIRST;
