-- FOR: training entries (« Formation Entrées – contrôle charte » and alert 43), rules.md.
--
-- Scope: situations with type_situation = formation and date_debut >= D - 1 year.
--
--   FOR-01 erreur  objectif_formation empty (alert 43 « Formation sans objectif »)
--   FOR-02 erreur  both date_fin_prevue and date_fin_reelle empty
--   FOR-03 erreur  prestation_france_travail is true
--   FOR-04 alerte  objectif_formation = perfectionnement
--   FOR-05 erreur  validation_preparee contains « attestation de qualification et aptitude »
--                  (case- and accent-insensitive)
--   FOR-06 alerte  motif_interruption filled, unless both end dates are present and
--                  date_fin_reelle < date_fin_prevue
--   FOR-07 alerte  origine empty or saisie_directe
--   FOR-08 alerte  no pacea or cej programme of the dossier covers date_debut
--                  (date_entree <= date_debut <= date_sortie, an empty exit counting as open)
--   FOR-09 erreur  date_fin_prevue or date_fin_reelle before date_debut
--
-- Parameter $1: the as-of date D. Archived dossiers are left out.
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
WITH f AS (
    SELECT s.*, d.code_structure,
           'Formation commencée le ' || date_fr(s.date_debut) AS quoi
    FROM situations s
    JOIN dossiers d ON d.id_dossier = s.id_dossier AND NOT d.archive
    WHERE s.type_situation = 'formation'
      AND s.date_debut >= CAST($1::DATE - to_years(1) AS DATE)
)
SELECT 'FOR-01' AS rule, 'erreur' AS gravite, code_structure, 'situation' AS objet, id_situation AS id_objet,
       NULL AS id_lie, id_dossier,
       quoi || ' sans objectif de formation (alerte 43 « Formation sans objectif »).' AS detail
FROM f WHERE vide(objectif_formation)
UNION ALL
SELECT 'FOR-02', 'erreur', code_structure, 'situation', id_situation, NULL, id_dossier,
       quoi || ' sans date de fin prévue ni réelle : une date de fin doit toujours être saisie.'
FROM f WHERE date_fin_prevue IS NULL AND date_fin_reelle IS NULL
UNION ALL
SELECT 'FOR-03', 'erreur', code_structure, 'situation', id_situation, NULL, id_dossier,
       quoi || ' marquée « prestation France Travail » : une prestation France Travail n''est pas une formation.'
FROM f WHERE prestation_france_travail
UNION ALL
SELECT 'FOR-04', 'alerte', code_structure, 'situation', id_situation, NULL, id_dossier,
       quoi || ' avec l''objectif « perfectionnement », à ne pas utiliser : elle est comptée en professionnalisation.'
FROM f WHERE objectif_formation = 'perfectionnement'
UNION ALL
SELECT 'FOR-05', 'erreur', code_structure, 'situation', id_situation, NULL, id_dossier,
       quoi || ' préparant une « attestation de qualification et aptitude » : cela enregistre un niveau II.'
FROM f WHERE contains(texte(validation_preparee), 'attestation de qualification et aptitude')
UNION ALL
SELECT 'FOR-06', 'alerte', code_structure, 'situation', id_situation, NULL, id_dossier,
       quoi || ' avec un motif d''interruption alors que la fin réelle ('
           || coalesce(date_fr(date_fin_reelle), 'non saisie') || ') n''est pas antérieure à la fin prévue ('
           || coalesce(date_fr(date_fin_prevue), 'non saisie') || ').'
FROM f
WHERE NOT vide(motif_interruption)
  AND NOT coalesce(date_fin_reelle < date_fin_prevue, false)
UNION ALL
SELECT 'FOR-07', 'alerte', code_structure, 'situation', id_situation, NULL, id_dossier,
       quoi || CASE WHEN vide(origine) THEN ' sans origine' ELSE ' saisie directement' END
           || ' : elle ne vient pas d''une formation MER et n''est pas comptée dans les statistiques de l''État.'
FROM f WHERE vide(origine) OR origine = 'saisie_directe'
UNION ALL
SELECT 'FOR-08', 'alerte', code_structure, 'situation', id_situation, NULL, id_dossier,
       quoi || ' hors de tout PACEA ou CEJ du jeune : elle n''est pas comptée dans les statistiques de l''État.'
FROM f
WHERE NOT EXISTS (
    SELECT 1 FROM dispositifs p
    WHERE p.id_dossier = f.id_dossier
      AND p.code_dispositif IN ('pacea', 'cej')
      AND p.date_entree <= f.date_debut
      AND (p.date_sortie IS NULL OR f.date_debut <= p.date_sortie))
UNION ALL
SELECT 'FOR-09', 'erreur', code_structure, 'situation', id_situation, NULL, id_dossier,
       quoi || ' avec une date de fin '
           || CASE WHEN date_fin_prevue < date_debut
                   THEN 'prévue (' || date_fr(date_fin_prevue) || ')'
                   ELSE 'réelle (' || date_fr(date_fin_reelle) || ')' END
           || ' antérieure au début.'
FROM f WHERE date_fin_prevue < date_debut OR date_fin_reelle < date_debut
