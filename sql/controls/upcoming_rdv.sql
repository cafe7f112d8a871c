-- upcoming_rdv: the appointments dated in [D, D + 6] (local date) per counsellor, for run $1 with
-- as-of date $2, for the structures of the temp table run_scope. Archived dossiers are left out
-- (a nominative list).
INSERT INTO upcoming_rdv
SELECT $1, d.code_structure, r.id_utilisateur, r.id_rdv, r.id_dossier, r.date_heure, r.code_lieu, r.statut
FROM rendez_vous r
JOIN dossiers d ON d.id_dossier = r.id_dossier AND NOT d.archive
JOIN run_scope s ON s.code_structure = d.code_structure
WHERE CAST(r.date_heure AS DATE) BETWEEN $2::DATE AND $2::DATE + 6
