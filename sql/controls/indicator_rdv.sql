-- indicator_rdv: appointments by statut and absence rate (rules.md, RDV indicators) for run $1,
-- over the period [$2, $3] (local date of date_heure), per structure and per counsellor, for the
-- structures of the temp table run_scope. Archived dossiers are counted: these are aggregates.
INSERT INTO indicator_rdv
WITH r AS (
    SELECT d.code_structure, r.id_utilisateur, r.statut
    FROM rendez_vous r
    JOIN dossiers d ON d.id_dossier = r.id_dossier
    JOIN run_scope s ON s.code_structure = d.code_structure
    WHERE CAST(r.date_heure AS DATE) BETWEEN $2::DATE AND $3::DATE
),
niveaux AS (
    SELECT 'structure' AS niveau, code_structure, NULL::VARCHAR AS id_utilisateur, statut FROM r
    UNION ALL
    SELECT 'conseiller', code_structure, id_utilisateur, statut FROM r
)
SELECT $1, niveau, code_structure, id_utilisateur,
       count(*) FILTER (statut = 'prevu'),
       count(*) FILTER (statut = 'present'),
       count(*) FILTER (statut = 'absent'),
       count(*) FILTER (statut = 'annule'),
       count(*) FILTER (statut = 'reporte'),
       count(*) FILTER (statut = 'non_precise'),
       count(*),
       CASE WHEN count(*) FILTER (statut IN ('present', 'absent')) = 0 THEN NULL
            ELSE count(*) FILTER (statut = 'absent') / count(*) FILTER (statut IN ('present', 'absent')) END
FROM niveaux
GROUP BY niveau, code_structure, id_utilisateur
