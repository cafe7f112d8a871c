-- record_findings: store one family's findings for run $2 (as-of date $1) with their history;
-- $3 and $4 bound the family's rule codes (e.g. PAC-00 and PAC-99).
--
-- The family's query (sql/controls/<family>.sql, whose $1 is the as-of date too) takes the
-- place of the marker line below. Only the structures of the run (temp table prev_runs, built
-- from run_scope) are kept. A finding is persistant when the previous run of its structure
-- (temp table prev_findings) found the same identity (rule, code_structure, objet, id_objet,
-- id_lie), nouveau otherwise.
INSERT INTO findings
WITH family AS (
-- @family
),
c AS (
    -- an empty column of a family (NULL) must not get a type other than VARCHAR
    SELECT CAST(rule AS VARCHAR) AS rule, CAST(gravite AS VARCHAR) AS gravite,
           CAST(code_structure AS VARCHAR) AS code_structure, CAST(objet AS VARCHAR) AS objet,
           CAST(id_objet AS VARCHAR) AS id_objet, CAST(id_lie AS VARCHAR) AS id_lie,
           CAST(id_dossier AS VARCHAR) AS id_dossier, CAST(detail AS VARCHAR) AS detail
    FROM family
)
SELECT $2, c.rule, c.gravite, c.code_structure, c.objet, c.id_objet, c.id_lie, c.id_dossier, c.detail,
       CASE WHEN f.rule IS NULL THEN 'nouveau' ELSE 'persistant' END,
       coalesce(f.premiere_detection, $1::DATE),
       coalesce(f.nb_runs, 0) + 1
FROM c
JOIN prev_runs p ON p.code_structure = c.code_structure
LEFT JOIN (SELECT * FROM prev_findings WHERE rule BETWEEN $3 AND $4) f
    ON f.rule = c.rule
   AND f.code_structure = c.code_structure
   AND f.objet = c.objet
   AND f.id_objet = c.id_objet
   AND f.id_lie IS NOT DISTINCT FROM c.id_lie
