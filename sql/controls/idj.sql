-- IDJ: justified identity, rules.md.
--
--   IDJ-01 erreur  a change of a justified identity (identity_changes, recorded by the ingestion:
--                  civilite, prenom, nom_naissance, date_naissance, or identite_justifiee false)
--                  by an ingest run whose local date is in [D - 90 days, D]: one finding per
--                  dossier and run, naming the columns and the date, never the values
--
-- The object is the dossier; id_lie is the ingest run. Parameter $1: the as-of date D. Archived
-- dossiers are left out.
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
SELECT 'IDJ-01' AS rule, 'erreur' AS gravite, d.code_structure, 'dossier' AS objet, c.id_dossier AS id_objet,
       CAST(c.run_id AS VARCHAR) AS id_lie, c.id_dossier,
       'Identité justifiée modifiée dans l''extraction chargée le ' || date_fr(c.date_ingest) || ' : '
           || array_to_string(list_transform(c.colonnes, x -> CASE x
                  WHEN 'civilite' THEN 'civilité' WHEN 'prenom' THEN 'prénom'
                  WHEN 'nom_naissance' THEN 'nom de naissance' WHEN 'date_naissance' THEN 'date de naissance'
                  ELSE 'identité plus marquée comme justifiée' END), ', ')
           || '. Une identité justifiée ne change plus (seul le nom d''usage le peut) : vérifiez le dossier et la pièce d''identité.' AS detail
FROM identity_changes c
JOIN dossiers d ON d.id_dossier = c.id_dossier AND NOT d.archive
WHERE c.date_ingest BETWEEN $1::DATE - 90 AND $1::DATE
