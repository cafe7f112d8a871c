-- identity_changes: IDJ, rules.md. Run inside the load transaction of ingest run $1, before
-- the dossiers are upserted: for every dossier the warehouse holds with identite_justifiee true
-- (and not archived), the justified identity columns that the staged row (stg_dossiers, rows to
-- load) brings with a different value: civilite, prenom, nom_naissance (names compared trimmed,
-- lower-case, accents removed), date_naissance, or identite_justifiee false. An empty value is
-- unknown (rules.md Conventions), on either side: an empty incoming value changes nothing, and
-- neither does a value that fills a stored empty one (NULL or only spaces), since filling an
-- unknown value is not a change of the justified identity. One row per dossier with its columns
-- and the run's local date; never the values.
INSERT INTO identity_changes (run_id, date_ingest, id_dossier, code_structure, colonnes)
WITH compare AS (
    SELECT d.id_dossier, s.p_code_structure AS code_structure,
           list_filter([
               CASE WHEN s.p_civilite IS NOT NULL AND nullif(trim(d.civilite), '') IS NOT NULL
                         AND s.p_civilite IS DISTINCT FROM d.civilite
                    THEN 'civilite' END,
               CASE WHEN s.p_prenom IS NOT NULL AND nullif(trim(d.prenom), '') IS NOT NULL
                         AND strip_accents(lower(trim(s.p_prenom))) IS DISTINCT FROM strip_accents(lower(trim(d.prenom)))
                    THEN 'prenom' END,
               CASE WHEN s.p_nom_naissance IS NOT NULL AND nullif(trim(d.nom_naissance), '') IS NOT NULL
                         AND strip_accents(lower(trim(s.p_nom_naissance))) IS DISTINCT FROM strip_accents(lower(trim(d.nom_naissance)))
                    THEN 'nom_naissance' END,
               CASE WHEN s.p_date_naissance IS NOT NULL AND d.date_naissance IS NOT NULL
                         AND s.p_date_naissance IS DISTINCT FROM d.date_naissance
                    THEN 'date_naissance' END,
               CASE WHEN s.p_identite_justifiee = false THEN 'identite_justifiee' END
           ], x -> x IS NOT NULL) AS colonnes
    FROM dossiers d
    JOIN stg_dossiers s ON s.p_id_dossier = d.id_dossier AND s.err IS NULL
    WHERE d.identite_justifiee AND NOT d.archive
)
SELECT $1, (SELECT CAST(started_at AS DATE) FROM runs WHERE id = $1), id_dossier, code_structure, colonnes
FROM compare
WHERE len(colonnes) > 0
