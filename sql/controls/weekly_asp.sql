-- weekly_asp: the ASP list (rules.md, PCJ): every pacea with motif_sortie
-- reorientation_autre_dispositif whose date_sortie, or the local date of its date_saisie_sortie,
-- falls in the week before D: [$1 = that Monday, $2 = that Sunday]. $3: one structure, or NULL
-- for all. date_entree_cej: the earliest cej of the dossier entered on or after the PACEA's
-- entry, if any. Archived dossiers are left out (a nominative list).
SELECT d.code_structure, d.id_dossier, d.nom_usage, d.prenom, d.date_naissance,
       p.id_dispositif, p.date_entree, p.date_sortie, p.date_saisie_sortie, p.numero_cerfa,
       (SELECT min(c.date_entree) FROM dispositifs c
        WHERE c.id_dossier = p.id_dossier AND c.code_dispositif = 'cej'
          AND c.date_entree >= p.date_entree) AS date_entree_cej
FROM dispositifs p
JOIN dossiers d ON d.id_dossier = p.id_dossier AND NOT d.archive
WHERE p.code_dispositif = 'pacea'
  AND p.motif_sortie = 'reorientation_autre_dispositif'
  AND (p.date_sortie BETWEEN $1::DATE AND $2::DATE
       OR CAST(p.date_saisie_sortie AS DATE) BETWEEN $1::DATE AND $2::DATE)
  AND ($3::VARCHAR IS NULL OR d.code_structure = $3::VARCHAR)
ORDER BY d.code_structure, d.id_dossier, p.id_dispositif
