-- coverage: TER, rules.md. For each commune of $3 (a comma-separated list), whether it is in the
-- coverage (zones_couverture) of the ceding structure $1 and of the receiving structure $2, and
-- whether each structure exists. Sorted by commune.
WITH c AS (
    SELECT DISTINCT unnest(string_split($3, ',')) AS commune_insee
)
SELECT c.commune_insee,
       EXISTS (SELECT 1 FROM zones_couverture z WHERE z.code_structure = $1 AND z.commune_insee = c.commune_insee) AS chez_a,
       EXISTS (SELECT 1 FROM zones_couverture z WHERE z.code_structure = $2 AND z.commune_insee = c.commune_insee) AS chez_b
FROM c
ORDER BY c.commune_insee
