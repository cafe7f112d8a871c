-- console dossier: the structure a dossier belongs to (drill-down checks). $1 id_dossier
SELECT code_structure FROM dossiers WHERE id_dossier = $1
