-- effect_structure: a transfer on a table that carries code_structure (referent_partenaire:
-- partenaires.id_conseiller_referent; referent_offre: offres_service.id_referent), rules.md TRF.
-- Rows: the structure's rows holding source, restricted to the selection when given.
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
WHERE t.code_structure = ? AND t.{{column}} = ?
  {{selection}};

UPDATE {{table}} AS t SET {{column}} = ?
WHERE t.code_structure = ? AND t.{{column}} = ?
  {{selection}};
