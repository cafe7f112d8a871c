-- indicator_rdv: appointments by statut over the indicator period (rules.md, RDV indicators), for
-- the structure (niveau = 'structure') and per counsellor (niveau = 'conseiller'), with the
-- counsellor's name. $1: run_id. $2: code_structure.
-- Columns: niveau, id_utilisateur, conseiller, prevu, present, absent, annule, reporte,
-- non_precise, total, taux_absence (NULL when present + absent = 0).
-- Sorted: the structure's line first, then counsellors by name (no counsellor last).
SELECT i.niveau, i.id_utilisateur, u.prenom || ' ' || u.nom AS conseiller,
       i.prevu, i.present, i.absent, i.annule, i.reporte, i.non_precise, i.total, i.taux_absence
FROM indicator_rdv i
LEFT JOIN utilisateurs u ON u.id_utilisateur = i.id_utilisateur
WHERE i.run_id = $1 AND i.code_structure = $2::VARCHAR
ORDER BY i.niveau = 'conseiller', i.id_utilisateur IS NULL, conseiller, i.id_utilisateur;
