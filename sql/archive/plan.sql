-- plan: the automatic archiving decision of every dossier not yet archived (rules.md ARC).
--
-- Parameter 1: D, the as-of date. First match wins:
--   1 an open programme (etat initialise, en_cours, suspendu)        keep    dispositif_ouvert
--   2 age >= 31                                                       archive age_31
--   3 an eav programme, whatever its state                            keep    eav_moins_31
--   4 age >= 27                                                       archive age_27
--   5 last physical meeting (or date_inscription) + 29 months < D     archive inactif_29_mois
--   6 otherwise                                                       keep    actif
-- Age is in completed years: comparing (month, day) pairs makes a 29 February birthday fall on
-- 1 March in other years. "+ 29 months" is DuckDB's month interval, clamped to the month's end.
-- The last physical meeting is the latest local date of an entretien_individuel, atelier or
-- information_collective on or before D. An unknown birth date never triggers an age rule.
WITH p AS (SELECT CAST(? AS DATE) AS d),
ouverts AS (
    SELECT DISTINCT id_dossier FROM dispositifs WHERE etat IN ('initialise', 'en_cours', 'suspendu')
),
eav AS (
    SELECT DISTINCT id_dossier FROM dispositifs WHERE code_dispositif = 'eav'
),
rencontres AS (
    SELECT e.id_dossier, max(CAST(e.date_evenement AS DATE)) AS derniere
    FROM evenements e, p
    WHERE e.nature IN ('entretien_individuel', 'atelier', 'information_collective')
      AND CAST(e.date_evenement AS DATE) <= p.d
    GROUP BY e.id_dossier
),
base AS (
    SELECT x.id_dossier, x.code_structure, p.d,
           year(p.d) - year(x.date_naissance)
               - CASE WHEN month(p.d) * 100 + day(p.d) < month(x.date_naissance) * 100 + day(x.date_naissance)
                      THEN 1 ELSE 0 END AS age,
           o.id_dossier IS NOT NULL AS ouvert,
           v.id_dossier IS NOT NULL AS a_eav,
           CAST(coalesce(r.derniere, x.date_inscription) + INTERVAL 29 MONTH AS DATE) AS limite_inactivite
    FROM dossiers x
    CROSS JOIN p
    LEFT JOIN ouverts o ON o.id_dossier = x.id_dossier
    LEFT JOIN eav v ON v.id_dossier = x.id_dossier
    LEFT JOIN rencontres r ON r.id_dossier = x.id_dossier
    WHERE NOT x.archive
),
decided AS (
    SELECT id_dossier, code_structure,
           CASE
               WHEN ouvert THEN 'dispositif_ouvert'
               WHEN age >= 31 THEN 'age_31'
               WHEN a_eav THEN 'eav_moins_31'
               WHEN age >= 27 THEN 'age_27'
               WHEN limite_inactivite < d THEN 'inactif_29_mois'
               ELSE 'actif'
           END AS motif
    FROM base
)
SELECT id_dossier, code_structure,
       CASE WHEN motif IN ('age_31', 'age_27', 'inactif_29_mois') THEN 'archive' ELSE 'keep' END AS decision,
       motif
FROM decided
ORDER BY id_dossier
