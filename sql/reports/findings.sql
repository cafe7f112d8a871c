-- findings: the findings of one controls run for one structure (the « Contrôles » dashboard and
-- the family sections), with the referent counsellor of the finding's dossier, or of the partner
-- for a partner finding (the « Formation » dashboard counts anomalies by counsellor).
-- $1: run_id. $2: code_structure.
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail, suivi,
-- premiere_detection, nb_runs, id_conseiller, conseiller, lieu (the site the dossier is attached
-- to, for the director's site × family matrix). Sorted by rule, id_objet, id_lie.
SELECT f.rule, f.gravite, f.code_structure, f.objet, f.id_objet, f.id_lie, f.id_dossier, f.detail,
       f.suivi, f.premiere_detection, f.nb_runs,
       coalesce(d.id_conseiller_referent, p.id_conseiller_referent) AS id_conseiller,
       u.prenom || ' ' || u.nom AS conseiller,
       l.nom AS lieu
FROM findings f
LEFT JOIN dossiers d ON d.id_dossier = f.id_dossier
-- an equality on one expression, so that DuckDB hash-joins (the AND form became a nested-loop join)
LEFT JOIN partenaires p ON p.id_partenaire = CASE WHEN f.objet = 'partenaire' THEN f.id_objet END
LEFT JOIN utilisateurs u ON u.id_utilisateur = coalesce(d.id_conseiller_referent, p.id_conseiller_referent)
LEFT JOIN lieux l ON l.code_lieu = d.code_lieu_rattachement
WHERE f.run_id = $1 AND f.code_structure = $2::VARCHAR
ORDER BY f.rule, f.id_objet, f.id_lie NULLS FIRST;
