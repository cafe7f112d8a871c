-- record_resolved: the findings of each structure's previous run (temp table prev_runs) that
-- run $1 no longer finds, by the identity (rule, code_structure, objet, id_objet, id_lie).
-- Findings of a dossier archived since are not listed: archived dossiers appear in no finding.
INSERT INTO findings_resolved
WITH courants AS (
    SELECT rule, code_structure, objet, id_objet, id_lie FROM findings WHERE run_id = $1
),
precedents AS (
    SELECT f.* FROM findings f
    JOIN prev_runs p ON f.run_id = p.prev_run AND f.code_structure = p.code_structure
    WHERE f.id_dossier IS NULL
       OR f.id_dossier NOT IN (SELECT id_dossier FROM dossiers WHERE archive)
)
SELECT $1, f.run_id, f.rule, f.gravite, f.code_structure, f.objet, f.id_objet, f.id_lie, f.id_dossier,
       f.detail, f.premiere_detection, f.nb_runs
FROM precedents f
ANTI JOIN courants c
    ON c.rule = f.rule
   AND c.code_structure = f.code_structure
   AND c.objet = f.objet
   AND c.id_objet = f.id_objet
   AND c.id_lie IS NOT DISTINCT FROM f.id_lie
