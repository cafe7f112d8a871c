-- candidates_via_dossier: before a transfer run, the rows of a table that belongs to a dossier
-- (evenements.contexte, evenements.code_lieu, rendez_vous.code_lieu, situations.organisme) that
-- its reference requests on that column may change, rules.md TRF: the rows holding a request's
-- source whose dossier is a non-archived dossier of the request's structure. Read once per
-- column and run (see candidates_dossiers.sql). {{table}}, {{column}}, {{key}} are quoted
-- identifiers from the transfers package's fixed allow-list. Parameters: the requests' structures
-- and sources, two lists of the same length. Returns row id, key, structure (the dossier's),
-- value.
SELECT t.rowid, t.{{key}}, d.code_structure, t.{{column}}
FROM {{table}} t
JOIN dossiers d ON d.id_dossier = t.id_dossier
JOIN (SELECT DISTINCT unnest(CAST(? AS VARCHAR[])) AS s, unnest(CAST(? AS VARCHAR[])) AS v) p
  ON p.s = d.code_structure AND p.v = t.{{column}}
WHERE NOT d.archive
