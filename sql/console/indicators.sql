-- console indicators: the RDV absence rate and the SIENE attachment rate, as the
-- PDF reports chart them, of the latest control run of each structure of the
-- scope (follows latest_runs.sql): per counsellor (niveau conseiller) and per
-- structure (niveau structure). The rate is NULL when its base is 0.
-- $1 scope structure (NULL: the region)   $2 as-of date   $3 structure filter
SELECT 'RDV' AS famille, i.niveau, i.code_structure, coalesce(i.id_utilisateur, '') AS id_utilisateur,
       i.taux_absence AS taux, i.present + i.absent AS base
FROM indicator_rdv i JOIN latest l USING (code_structure, run_id)
UNION ALL
SELECT 'SIE', i.niveau, i.code_structure, coalesce(i.id_utilisateur, ''), i.taux_rattachement, i.partenaires
FROM indicator_siene i JOIN latest l USING (code_structure, run_id)
ORDER BY 1, 2, 3, 4
