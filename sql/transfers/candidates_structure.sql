-- candidates_structure: before a transfer run, the rows of a table that carries code_structure
-- (referent_partenaire: partenaires.id_conseiller_referent; referent_offre:
-- offres_service.id_referent) that its requests on that column may change, rules.md TRF: the rows
-- of a request's structure holding its source. Read once per column and run (see
-- candidates_dossiers.sql). {{table}}, {{column}}, {{key}} are quoted identifiers from the
-- transfers package's fixed allow-list. Parameters: the requests' structures and sources, two
-- lists of the same length. Returns row id, key, structure, value.
SELECT t.rowid, t.{{key}}, t.code_structure, t.{{column}}
FROM {{table}} t
JOIN (SELECT DISTINCT unnest(CAST(? AS VARCHAR[])) AS s, unnest(CAST(? AS VARCHAR[])) AS v) p
  ON p.s = t.code_structure AND p.v = t.{{column}}
