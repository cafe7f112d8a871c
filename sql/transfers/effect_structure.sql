-- effect_structure: a transfer on a table that carries code_structure (referent_partenaire:
-- partenaires.id_conseiller_referent; referent_offre: offres_service.id_referent), rules.md TRF.
-- Rows: the structure's rows holding source, restricted to the selection when given.
-- {{table}}, {{column}}, {{key}} are quoted identifiers from the transfers package's fixed
-- allow-list; {{selection}} is replaced by selection_filter.sql when the request has a selection
-- (by nothing otherwise). Statement 1 finds the rows (row id and key; parameters: code_structure,
-- source, then the selection when there is one); statement 2 changes them, in the same
-- transaction (parameters: destination, the row ids as a list, source). Statements end with ";"
-- at a line end.
SELECT t.rowid, t.{{key}}
FROM {{table}} t
WHERE t.code_structure = ? AND t.{{column}} = ?
  {{selection}};

UPDATE {{table}} AS t SET {{column}} = ?
WHERE t.rowid IN (SELECT unnest(CAST(? AS BIGINT[]))) AND t.{{column}} = ?;
