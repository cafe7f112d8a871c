-- plan: TER, rules.md. The territory transfer plan of structure $1 for the communes $2 (a
-- comma-separated list): for every non-archived dossier of $1 whose commune_insee is one of them,
-- one row per open programme (etat initialise, en_cours or suspendu): terminer_en_A for a
-- garantie_jeunes or an eav (brought to its end by $1), sortir_demenagement for any other (closed
-- with motif demenagement); one row aucune_action for a dossier with no open programme.
-- Sorted by id_dossier, then id_dispositif.
WITH d AS (
    SELECT id_dossier, code_structure, commune_insee
    FROM dossiers
    WHERE NOT archive AND code_structure = $1
      AND list_contains(string_split($2, ','), commune_insee)
),
ouverts AS (
    SELECT id_dispositif, id_dossier, code_dispositif
    FROM dispositifs
    WHERE etat IN ('initialise', 'en_cours', 'suspendu')
)
SELECT d.id_dossier, d.code_structure, d.commune_insee,
       CASE WHEN o.id_dispositif IS NULL THEN 'aucune_action'
            WHEN o.code_dispositif IN ('garantie_jeunes', 'eav') THEN 'terminer_en_A'
            ELSE 'sortir_demenagement' END AS decision,
       o.id_dispositif, o.code_dispositif
FROM d
LEFT JOIN ouverts o ON o.id_dossier = d.id_dossier
ORDER BY d.id_dossier, o.id_dispositif NULLS FIRST
