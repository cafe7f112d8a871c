-- resolved: the findings of the previous run of a structure that one controls run no longer
-- finds (suivi « résolu »), as last seen.
-- $1: run_id. $2: code_structure.
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail,
-- premiere_detection, nb_runs. Sorted by rule, id_objet, id_lie.
SELECT rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail, premiere_detection, nb_runs
FROM findings_resolved
WHERE run_id = $1 AND code_structure = $2::VARCHAR
ORDER BY rule, id_objet, id_lie NULLS FIRST;
