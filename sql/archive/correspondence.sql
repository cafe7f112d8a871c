-- correspondence: the yearly full correspondence export (`vigie archive backup`): id, names, birth
-- date and structure of every dossier not yet archived, the table the regional guide recommends
-- keeping before archiving runs.
SELECT id_dossier, code_structure, nom_usage, nom_naissance, prenom, date_naissance
FROM dossiers
WHERE NOT archive
ORDER BY code_structure, id_dossier
