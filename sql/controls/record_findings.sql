-- record_findings: store the findings of run $1 (as-of date $2) with their history.
--
-- Reads the temp tables cur_findings (this run's findings) and prev_runs (code_structure,
-- prev_run: the latest earlier control run covering the structure, NULL when none). A finding
-- is persistant when the previous run of its structure found the same identity
-- (rule, code_structure, objet, id_objet, id_lie), nouveau otherwise.
INSERT INTO findings
SELECT $1, c.rule, c.gravite, c.code_structure, c.objet, c.id_objet, c.id_lie, c.id_dossier, c.detail,
       CASE WHEN f.rule IS NULL THEN 'nouveau' ELSE 'persistant' END,
       coalesce(f.premiere_detection, $2::DATE),
       coalesce(f.nb_runs, 0) + 1
FROM cur_findings c
JOIN prev_runs p ON p.code_structure = c.code_structure
LEFT JOIN findings f
    ON f.run_id = p.prev_run
   AND f.rule = c.rule
   AND f.code_structure = c.code_structure
   AND f.objet = c.objet
   AND f.id_objet = c.id_objet
   AND f.id_lie IS NOT DISTINCT FROM c.id_lie
