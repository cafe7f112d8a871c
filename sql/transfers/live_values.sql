-- live_values: the (structure, value) pairs still held in one reference column (evenements.contexte,
-- situations.organisme) by rows of non-archived dossiers (rules.md TRF, deletable sources).
-- {{table}} and {{column}} are quoted identifiers from the transfers package's fixed allow-list.
SELECT DISTINCT d.code_structure, t.{{column}}
FROM {{table}} t JOIN dossiers d ON d.id_dossier = t.id_dossier
WHERE NOT d.archive AND t.{{column}} IS NOT NULL
