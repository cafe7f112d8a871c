-- console findings (base): the findings a console page shows, filtered; the page
-- and count statements (findings_page.sql, findings_counts.sql) follow this text.
-- Follows latest_runs.sql (the run of each structure); suivi « resolu » reads
-- findings_resolved of that run.
-- $1 scope structure (NULL: the region)   $2 as-of date        $3 structure filter
-- $4 family (rule prefix)   $5 rule   $6 gravite   $7 suivi   $8 lieu
-- $9 conseiller   $10 dossier   $11 first detected from   $12 first detected to
, picked AS (
    SELECT f.rule, f.gravite, f.code_structure, f.objet, f.id_objet, f.id_dossier, f.detail, f.suivi,
           f.premiere_detection, f.nb_runs, f.run_id
    FROM findings f JOIN latest l USING (code_structure, run_id)
    WHERE $7::VARCHAR IS DISTINCT FROM 'resolu'
    UNION ALL
    SELECT r.rule, r.gravite, r.code_structure, r.objet, r.id_objet, r.id_dossier, r.detail, 'resolu',
           r.premiere_detection, r.nb_runs, r.run_id
    FROM findings_resolved r JOIN latest l USING (code_structure, run_id)
    WHERE $7::VARCHAR = 'resolu'
),
filtered AS MATERIALIZED (
    SELECT p.*, d.code_lieu_rattachement AS code_lieu, d.id_conseiller_referent AS id_conseiller,
           CASE p.gravite WHEN 'erreur' THEN 0 WHEN 'alerte' THEN 1 ELSE 2 END AS gravite_rang
    FROM picked p
    LEFT JOIN dossiers d ON d.id_dossier = p.id_dossier
    WHERE ($4::VARCHAR IS NULL OR split_part(p.rule, '-', 1) = $4)
      AND ($5::VARCHAR IS NULL OR p.rule = $5)
      AND ($6::VARCHAR IS NULL OR p.gravite = $6)
      AND ($7::VARCHAR IS NULL OR p.suivi = $7)
      AND ($8::VARCHAR IS NULL OR d.code_lieu_rattachement = $8)
      AND ($9::VARCHAR IS NULL OR d.id_conseiller_referent = $9)
      AND ($10::VARCHAR IS NULL OR p.id_dossier = $10)
      AND ($11::DATE IS NULL OR p.premiere_detection >= $11)
      AND ($12::DATE IS NULL OR p.premiere_detection <= $12)
)
