-- console findings (set): every finding of the region at the as-of date, read
-- once per published snapshot: the findings of the latest control run of each
-- structure (latest_runs.sql, which this text follows) and those that run
-- resolved (suivi « resolu »), each with its dossier's site and referent
-- counsellor, less those of dossiers archived since. The console filters, sorts, pages and counts this set in memory
-- for each scope (console/data/findings.go).
-- $1 NULL (the region)   $2 as-of date   $3 NULL
, picked AS (
    SELECT f.rule, f.gravite, f.code_structure, f.objet, f.id_objet, f.id_dossier, f.detail, f.suivi,
           f.premiere_detection, f.nb_runs
    FROM findings f JOIN latest l USING (code_structure, run_id)
    UNION ALL
    SELECT r.rule, r.gravite, r.code_structure, r.objet, r.id_objet, r.id_dossier, r.detail, 'resolu',
           r.premiere_detection, r.nb_runs
    FROM findings_resolved r JOIN latest l USING (code_structure, run_id)
)
SELECT p.*, d.code_lieu_rattachement AS code_lieu, d.id_conseiller_referent AS id_conseiller
FROM picked p
LEFT JOIN dossiers d ON d.id_dossier = p.id_dossier
-- A dossier archived since that control run appears in no finding (rules.md),
-- before the next run leaves its findings out.
WHERE d.archive IS NOT TRUE
