-- identity_changes: IDJ, rules.md. Run inside the load transaction of ingest run $1, before
-- the dossiers are upserted: for every dossier the warehouse holds with identite_justifiee true
-- (and not archived), the justified identity columns that the staged row (stg_dossiers, rows to
-- load) brings with a different value: civilite, prenom, nom_naissance, date_naissance, compared
-- in vigie_idj_form (trimmed, lower-case, accents removed), or identite_justifiee false.
-- An empty value is unknown (rules.md Conventions): an empty incoming value changes nothing, and
-- a value filling a stored empty one is compared with the value the column held before an
-- extraction emptied it (identity_blanked, its SHA-256): « Martin », then empty, then « Durand »
-- is a change; a value never known before is none. One row per dossier with its columns and the
-- run's local date; never the values.
INSERT INTO identity_changes (run_id, date_ingest, id_dossier, code_structure, colonnes)
WITH blanked AS (
    SELECT id_dossier,
           max(empreinte) FILTER (WHERE colonne = 'civilite')       AS civilite,
           max(empreinte) FILTER (WHERE colonne = 'prenom')         AS prenom,
           max(empreinte) FILTER (WHERE colonne = 'nom_naissance')  AS nom_naissance,
           max(empreinte) FILTER (WHERE colonne = 'date_naissance') AS date_naissance
    FROM identity_blanked
    GROUP BY id_dossier
),
compare AS (
    SELECT d.id_dossier, s.p_code_structure AS code_structure,
           list_filter([
               CASE WHEN vigie_idj_changed(s.p_civilite, d.civilite, b.civilite) THEN 'civilite' END,
               CASE WHEN vigie_idj_changed(s.p_prenom, d.prenom, b.prenom) THEN 'prenom' END,
               CASE WHEN vigie_idj_changed(s.p_nom_naissance, d.nom_naissance, b.nom_naissance) THEN 'nom_naissance' END,
               CASE WHEN vigie_idj_changed(s.p_date_naissance, d.date_naissance, b.date_naissance) THEN 'date_naissance' END,
               CASE WHEN s.p_identite_justifiee = false THEN 'identite_justifiee' END
           ], x -> x IS NOT NULL) AS colonnes
    FROM dossiers d
    JOIN stg_dossiers s ON s.p_id_dossier = d.id_dossier AND s.err IS NULL
    LEFT JOIN blanked b ON b.id_dossier = d.id_dossier
    WHERE d.identite_justifiee AND NOT d.archive
)
SELECT $1, (SELECT CAST(started_at AS DATE) FROM runs WHERE id = $1), id_dossier, code_structure, colonnes
FROM compare
WHERE len(colonnes) > 0
