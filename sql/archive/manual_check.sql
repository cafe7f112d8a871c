-- manual_check: the dossier a manual archiving names (rules.md ARC, Manual): its structure and
-- whether it is already archived. Parameter 1: id_dossier.
SELECT code_structure, archive FROM dossiers WHERE id_dossier = ?
