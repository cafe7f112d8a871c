-- candidates_dossiers: before a transfer run, the rows of dossiers that its requests on one column
-- (conseiller_referent: id_conseiller_referent; lieu_rattachement: code_lieu_rattachement) may
-- change, rules.md TRF: the non-archived dossiers of a request's structure holding its source.
-- Read once per column and run, so that each request, in its own transaction, changes its rows by
-- row id without searching the table again (a row only comes to hold a later request's source
-- through an earlier request of the same run, which the transfers package follows).
-- {{table}}, {{column}}, {{key}} are quoted identifiers from the transfers package's fixed
-- allow-list. Parameters: the requests' structures and sources, two lists of the same length.
-- Returns row id, key, structure, value.
SELECT t.rowid, t.{{key}}, t.code_structure, t.{{column}}
FROM {{table}} t
JOIN (SELECT DISTINCT unnest(CAST(? AS VARCHAR[])) AS s, unnest(CAST(? AS VARCHAR[])) AS v) p
  ON p.s = t.code_structure AND p.v = t.{{column}}
WHERE NOT t.archive
