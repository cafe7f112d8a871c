-- TER: territory transfers between two Missions Locales (Loi NOTRe), rules.md.
--
--   TER-01 alerte  a commune in the coverage (zones_couverture) of two or more structures: one
--                  finding per structure, the detail naming the commune and the other structures
--
-- The object is the structure (id_objet), id_lie the commune. Parameter $1: the as-of date D
-- (unused: coverage has no date).
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
WITH partagees AS (
    SELECT commune_insee, list(DISTINCT code_structure ORDER BY code_structure) AS structures
    FROM zones_couverture
    GROUP BY commune_insee
    HAVING count(DISTINCT code_structure) > 1
)
SELECT 'TER-01' AS rule, 'alerte' AS gravite, z.code_structure, 'structure' AS objet, z.code_structure AS id_objet,
       z.commune_insee AS id_lie, NULL AS id_dossier,
       'La commune ' || z.commune_insee || ' est aussi dans la zone de couverture de '
           || array_to_string(list_filter(p.structures, s -> s <> z.code_structure), ', ')
           || ' : une commune relève d''une seule Mission Locale, mettez les zones à jour.' AS detail
FROM zones_couverture z
JOIN partagees p USING (commune_insee)
WHERE $1::DATE IS NOT NULL
