-- selected: the dossiers of archive_selection with their structure, sorted by id_dossier, as
-- `vigie archive apply` and `vigie archive dossier` print them.
SELECT s.id_dossier, x.code_structure, s.motif
FROM archive_selection s
JOIN dossiers x ON x.id_dossier = s.id_dossier
ORDER BY s.id_dossier
