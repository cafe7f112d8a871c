-- referenced_value: whether a value that a reference transfer replaced (evenements.contexte,
-- situations.organisme) is still held by a row of a non-archived dossier of the structure
-- (rules.md TRF, deletable sources). {{table}} and {{column}} are quoted identifiers from the
-- transfers package's fixed allow-list. Parameters: code_structure, value.
SELECT EXISTS (
    SELECT 1 FROM {{table}} t JOIN dossiers d ON d.id_dossier = t.id_dossier
    WHERE d.code_structure = ? AND NOT d.archive AND t.{{column}} = ?)
