-- select_one: puts the one dossier of a manual archiving into archive_selection (rules.md ARC,
-- Manual). Parameters: id_dossier, motif (demande_du_jeune or deces, checked by the caller).
INSERT INTO archive_selection (id_dossier, motif) VALUES (?, ?)
