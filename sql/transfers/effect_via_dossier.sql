-- effect_via_dossier: a reference transfer on a column of a table that belongs to a dossier
-- (evenements.contexte, evenements.code_lieu, rendez_vous.code_lieu, situations.organisme),
-- rules.md TRF. Rows: those holding source whose dossier is a non-archived dossier of the
-- structure, restricted to the selection (keys of the named table) when given.
-- {{table}}, {{column}}, {{key}} are quoted identifiers from the transfers package's fixed
-- allow-list; {{selection}} is replaced by selection_filter.sql when the request has a selection
-- (by nothing otherwise). Statement 1 finds the rows (row id and key; parameters: code_structure,
-- source, then the selection when there is one); statement 2 changes them, in the same
-- transaction (parameters: destination, the row ids as a list, source): the join with dossiers
-- runs once per request. Statements end with ";" at a line end.
SELECT t.rowid, t.{{key}}
FROM {{table}} t
WHERE t.id_dossier IN (SELECT d.id_dossier FROM dossiers d WHERE d.code_structure = ? AND NOT d.archive)
  AND t.{{column}} = ?
  {{selection}};

UPDATE {{table}} AS t SET {{column}} = ?
WHERE t.rowid IN (SELECT unnest(CAST(? AS BIGINT[]))) AND t.{{column}} = ?;
