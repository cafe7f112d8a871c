-- upcoming_rdv: the appointments of the coming week [D, D + 6] per counsellor, as the controls run
-- recorded them (archived dossiers left out), with the counsellor's and the place's names.
-- $1: run_id. $2: code_structure.
-- Columns: id_utilisateur, conseiller, id_rdv, id_dossier, date_heure, lieu, statut.
-- Sorted by counsellor, then date_heure.
SELECT r.id_utilisateur, u.prenom || ' ' || u.nom AS conseiller, r.id_rdv, r.id_dossier, r.date_heure,
       coalesce(l.nom, r.code_lieu) AS lieu, r.statut
FROM upcoming_rdv r
LEFT JOIN utilisateurs u ON u.id_utilisateur = r.id_utilisateur
LEFT JOIN lieux l ON l.code_lieu = r.code_lieu
WHERE r.run_id = $1 AND r.code_structure = $2::VARCHAR
ORDER BY r.id_utilisateur IS NULL, conseiller, r.id_utilisateur, r.date_heure, r.id_rdv;
