-- indicator_siene: active partners and those attached to SIENE (rules.md, SIE indicator), for the
-- structure (niveau = 'structure') and per referent counsellor (niveau = 'conseiller').
-- $1: run_id. $2: code_structure.
-- Columns: niveau, id_utilisateur, conseiller, partenaires, rattaches, taux_rattachement.
SELECT i.niveau, i.id_utilisateur, u.prenom || ' ' || u.nom AS conseiller,
       i.partenaires, i.rattaches, i.taux_rattachement
FROM indicator_siene i
LEFT JOIN utilisateurs u ON u.id_utilisateur = i.id_utilisateur
WHERE i.run_id = $1 AND i.code_structure = $2::VARCHAR
ORDER BY i.niveau = 'conseiller', i.id_utilisateur IS NULL, conseiller, i.id_utilisateur;
