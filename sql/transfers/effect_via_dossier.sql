-- effect_via_dossier: a reference transfer on a column of a table that belongs to a dossier
-- (evenements.contexte, evenements.code_lieu, rendez_vous.code_lieu, situations.organisme),
-- rules.md TRF. Rows: those holding source whose dossier is a non-archived dossier of the
-- structure, restricted to the selection (keys of the named table) when given.
-- {{table}}, {{column}}, {{key}} are quoted identifiers from the transfers package's fixed
-- allow-list. Statement 1 journals every row about to change (parameters: id_transfert,
-- table_name, column_name, destination, executed_at, run_id, then the scope); statement 2 changes
-- them (parameters: destination, then the scope). Scope parameters: code_structure, source, and
-- when the request has a selection, the selection (a list of keys) for the filter of selection_filter.sql
-- that replaces the selection placeholder (nothing replaces it otherwise). Statements end with
-- ";" at a line end.
INSERT INTO transfer_journal (id_transfert, table_name, column_name, row_id, old_value, new_value, executed_at, run_id)
SELECT ?, ?, ?, t.{{key}}, t.{{column}}, ?, CAST(? AS TIMESTAMP), ?
FROM {{table}} t
WHERE t.id_dossier IN (SELECT d.id_dossier FROM dossiers d WHERE d.code_structure = ? AND NOT d.archive)
  AND t.{{column}} = ?
  {{selection}};

UPDATE {{table}} AS t SET {{column}} = ?
WHERE t.id_dossier IN (SELECT d.id_dossier FROM dossiers d WHERE d.code_structure = ? AND NOT d.archive)
  AND t.{{column}} = ?
  {{selection}};
