-- backup_rows: the rows of the backup « Sauvegarde avant archivage » (rules.md ARC), one per
-- dossier of archive_selection, read before anything is anonymised.
-- Parameter 1: D, the date_archivage written in the backup.
SELECT x.id_dossier, x.code_structure, x.nom_usage, x.nom_naissance, x.prenom, x.date_naissance,
       CAST(? AS DATE) AS date_archivage, s.motif
FROM archive_selection s
JOIN dossiers x ON x.id_dossier = s.id_dossier
ORDER BY x.code_structure, x.id_dossier
