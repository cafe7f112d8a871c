-- DOS: dossier quality, rules.md.
--
--   DOS-01 info    dormant (« en veille »): the last physical meeting (entretien_individuel,
--                  atelier, information_collective) whose local date is on or before D, or
--                  date_inscription when none, + 5 months < D
--   DOS-02 alerte  adresse_normalisee false (not empty) and npai not true
--   DOS-03 alerte  neither email nor telephone_mobile
--   DOS-04 erreur  nir present and invalid: not 15 characters, or its key <> 97 - (the 13-digit
--                  number mod 97), 2A read as 19 and 2B as 18; gravité alerte instead when valid
--                  but starting with 7 or 8 (a temporary number)
--   DOS-05 alerte  a dossier with an en_cours programme and no id_conseiller_referent
--   DOS-06 alerte  statut complet or justifie although the dossier has no physical meeting whose
--                  local date is on or before D, or no situation with date_debut <= D (one that
--                  has ended since still counts); the detail names the missing condition(s)
--
-- Parameter $1: the as-of date D. Archived dossiers are left out.
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
WITH d AS (
    -- only the columns the rules read: this is materialized, and a dossier's identity is wide
    SELECT id_dossier, code_structure, statut, nir, email, telephone_mobile, adresse_normalisee, npai,
           id_conseiller_referent, date_inscription
    FROM dossiers WHERE NOT archive
),
rencontres AS (
    -- the physical meetings that have happened by D (local date on or before D, as the archive
    -- plan reads them): a meeting dated after D is not yet the last one
    SELECT e.id_dossier, max(CAST(e.date_evenement AS DATE)) AS derniere,
           min(CAST(e.date_evenement AS DATE)) AS premiere
    FROM evenements e
    WHERE e.nature IN ('entretien_individuel', 'atelier', 'information_collective')
      AND CAST(e.date_evenement AS DATE) <= $1::DATE
    GROUP BY e.id_dossier
),
veille AS (
    SELECT d.id_dossier, d.code_structure, r.derniere, d.date_inscription,
           coalesce(r.derniere, d.date_inscription) AS reference
    FROM d LEFT JOIN rencontres r ON r.id_dossier = d.id_dossier
)
SELECT 'DOS-01' AS rule, 'info' AS gravite, code_structure, 'dossier' AS objet, id_dossier AS id_objet,
       NULL AS id_lie, id_dossier,
       'Dossier en veille : ' || CASE WHEN derniere IS NULL
           THEN 'aucune rencontre physique depuis l''inscription le ' || date_fr(date_inscription)
           ELSE 'dernière rencontre physique le ' || date_fr(derniere) END
           || ', plus de 5 mois avant le ' || date_fr($1::DATE) || '.' AS detail
FROM veille
WHERE plus_mois(reference, 5) < $1::DATE
UNION ALL
SELECT 'DOS-02', 'alerte', code_structure, 'dossier', id_dossier, NULL, id_dossier,
       'Adresse non normalisée (et non signalée NPAI) : corrigez-la pour que les courriers arrivent.'
FROM d WHERE adresse_normalisee = false AND npai IS NOT TRUE
UNION ALL
SELECT 'DOS-03', 'alerte', code_structure, 'dossier', id_dossier, NULL, id_dossier,
       'Ni adresse e-mail ni téléphone mobile : le jeune ne peut pas être joint par message.'
FROM d WHERE vide(email) AND vide(telephone_mobile)
UNION ALL
SELECT 'DOS-04',
       CASE WHEN nir_valide(nir) THEN 'alerte' ELSE 'erreur' END,
       code_structure, 'dossier', id_dossier, NULL, id_dossier,
       -- the NIR itself is never printed: its length, first digit or key only
       CASE WHEN nir_valide(nir)
           THEN 'NIR provisoire (commençant par ' || substr(nir, 1, 1) || ') : il ne peut pas être certifié.'
           WHEN length(nir) <> 15
           THEN 'NIR invalide : ' || length(nir) || ' caractères au lieu de 15.'
           WHEN NOT regexp_full_match(upper(nir), '[0-9]{5}([0-9]{2}|2A|2B)[0-9]{8}')
           THEN 'NIR invalide : il contient d''autres caractères que des chiffres (hors 2A et 2B pour la Corse).'
           ELSE 'NIR invalide : clé ' || substr(nir, 14, 2) || ' au lieu de '
                || lpad(CAST(97 - (TRY_CAST(nir_chiffres(nir) AS BIGINT) % 97) AS VARCHAR), 2, '0') || '.'
       END
FROM d
WHERE NOT vide(nir) AND (NOT nir_valide(nir) OR substr(nir, 1, 1) IN ('7', '8'))
UNION ALL
SELECT 'DOS-05', 'alerte', d.code_structure, 'dossier', d.id_dossier, NULL, d.id_dossier,
       'Dossier avec un dispositif en cours ('
           || (SELECT string_agg(DISTINCT p.code_dispositif, ', ' ORDER BY p.code_dispositif) FROM dispositifs p
               WHERE p.id_dossier = d.id_dossier AND p.etat = 'en_cours')
           || ') mais sans conseiller référent.'
FROM d
WHERE vide(id_conseiller_referent)
  AND EXISTS (SELECT 1 FROM dispositifs p WHERE p.id_dossier = d.id_dossier AND p.etat = 'en_cours')
UNION ALL
SELECT 'DOS-06', 'alerte', d.code_structure, 'dossier', d.id_dossier, NULL, d.id_dossier,
       'Dossier ' || CASE d.statut WHEN 'justifie' THEN 'justifié' ELSE 'complet' END || ' sans '
           || CASE WHEN NOT rencontre AND NOT situation THEN 'rencontre physique ni situation saisie'
                   WHEN NOT rencontre THEN 'rencontre physique'
                   ELSE 'situation saisie' END
           || ' au ' || date_fr($1::DATE)
           || ' : un dossier ne devient complet qu''après une rencontre physique et la saisie de la situation du jeune.'
FROM (
    -- a physical meeting on or before D (rencontres holds no other); a situation by D: the earliest is
    SELECT d.*, coalesce(r.premiere <= $1::DATE, false) AS rencontre, coalesce(s.debut <= $1::DATE, false) AS situation
    FROM d
    LEFT JOIN rencontres r ON r.id_dossier = d.id_dossier
    LEFT JOIN (SELECT id_dossier, min(date_debut) AS debut FROM situations GROUP BY id_dossier) s ON s.id_dossier = d.id_dossier
    WHERE d.statut IN ('complet', 'justifie')
) d
WHERE NOT rencontre OR NOT situation
