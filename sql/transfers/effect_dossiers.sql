-- effect_dossiers: a transfer on a column of dossiers (conseiller_referent:
-- id_conseiller_referent; lieu_rattachement: code_lieu_rattachement), rules.md TRF. Rows: the
-- structure's non-archived dossiers holding source, restricted to the selection when given.
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
WHERE t.code_structure = ? AND NOT t.archive AND t.{{column}} = ?
  {{selection}};

UPDATE {{table}} AS t SET {{column}} = ?
WHERE t.code_structure = ? AND NOT t.archive AND t.{{column}} = ?
  {{selection}};
