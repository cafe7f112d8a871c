-- effect_dossiers: a transfer on a column of dossiers (conseiller_referent:
-- id_conseiller_referent; lieu_rattachement: code_lieu_rattachement), rules.md TRF. Rows: the
-- structure's non-archived dossiers holding source, restricted to the selection when given.
-- {{table}}, {{column}}, {{key}} are quoted identifiers from the transfers package's fixed
-- allow-list; {{selection}} is replaced by selection_filter.sql when the request has a selection
-- (by nothing otherwise). Statement 1 finds the rows (row id and key; parameters: code_structure,
-- source, then the selection when there is one); statement 2 changes them, in the same
-- transaction (parameters: destination, the row ids as a list, source). Each row is found once
-- and changed by its row id, so the table is searched once per request; journal.sql records the
-- keys. Statements end with ";" at a line end.
SELECT t.rowid, t.{{key}}
FROM {{table}} t
WHERE t.code_structure = ? AND NOT t.archive AND t.{{column}} = ?
  {{selection}};

UPDATE {{table}} AS t SET {{column}} = ?
WHERE t.rowid IN (SELECT unnest(CAST(? AS BIGINT[]))) AND t.{{column}} = ?;
