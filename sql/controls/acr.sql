-- ACR: Activ'Créa alerts (the J2 / Jungo extraction), rules.md.
--
-- A parcours goes on when its prestation is activ_crea, its resultat_entretien_initial is
-- a_poursuivi, and it has neither date_entretien_final nor date_abandon; its age at D is
-- D - date_debut in days. An action's date is the local date of its date_debut.
--
--   ACR-01 alerte  a parcours that goes on, aged 83 to 89 days, whose entrepreneur has no
--                  participation (presence prevue or presente) in an action of a type other than
--                  absence dated in [D, date_debut + 90 days]: the service ends within 7 days
--                  and nothing is planned
--   ACR-02 erreur  a parcours that goes on, aged 90 days or more: its theoretical end is past and
--                  the parcours sheet is not completed
--   ACR-03 alerte  an action of a type other than absence, dated on or after D, with no lieu
--   ACR-04 alerte  a participation whose action is dated before its parcours' date_debut or after
--                  its date_fin_theorique (when given)
--   ACR-05 alerte  an entrepreneur with a presente participation, statut_rgpd neither
--                  accord_numerique nor accord_papier, and no email or no civilite
--   ACR-06 info    two or more entrepreneurs of one structure with the same nom, prenom
--                  (lower-case, accents, spaces and dashes removed) and date_naissance: one finding
--                  each, naming the others (by id: never the names)
--
-- Parameter $1: the as-of date D. id_dossier is empty (J2 has no i-milo dossier).
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
WITH parcours AS (
    SELECT p.*, e.code_structure, $1::DATE - p.date_debut AS age
    FROM j2_parcours p
    JOIN j2_entrepreneurs e USING (id_entrepreneur)
    WHERE p.prestation = 'activ_crea' AND p.resultat_entretien_initial = 'a_poursuivi'
      AND p.date_entretien_final IS NULL AND p.date_abandon IS NULL
),
actions AS (
    SELECT *, CAST(date_debut AS DATE) AS jour FROM j2_actions
),
prevues AS (
    -- the entrepreneurs' planned or attended actions, absences left out
    SELECT x.id_entrepreneur, a.jour
    FROM j2_participations x
    JOIN actions a ON a.id_action = x.id_action
    WHERE x.presence IN ('prevue', 'presente') AND a.type_action <> 'absence'
),
cle AS (
    SELECT id_entrepreneur, code_structure,
           regexp_replace(strip_accents(lower(nom)), '[\s-]', '', 'g') AS n,
           regexp_replace(strip_accents(lower(prenom)), '[\s-]', '', 'g') AS p,
           date_naissance
    FROM j2_entrepreneurs
    WHERE NOT vide(nom) AND NOT vide(prenom) AND date_naissance IS NOT NULL
),
doublons AS (
    SELECT a.id_entrepreneur, a.code_structure,
           list(b.id_entrepreneur ORDER BY b.id_entrepreneur) AS autres
    FROM cle a
    JOIN cle b ON b.code_structure = a.code_structure AND b.n = a.n AND b.p = a.p
              AND b.date_naissance = a.date_naissance AND b.id_entrepreneur <> a.id_entrepreneur
    GROUP BY ALL
)
SELECT 'ACR-01' AS rule, 'alerte' AS gravite, p.code_structure, 'parcours' AS objet, p.id_parcours AS id_objet,
       NULL AS id_lie, NULL AS id_dossier,
       'Parcours Activ''Créa commencé le ' || date_fr(p.date_debut) || ' (' || p.age || ' jours) : la prestation finit le '
           || date_fr(p.date_debut + 90) || ' et aucune action n''est prévue d''ici là. Planifiez l''entretien final.' AS detail
FROM parcours p
WHERE p.age BETWEEN 83 AND 89
  AND NOT EXISTS (SELECT 1 FROM prevues v WHERE v.id_entrepreneur = p.id_entrepreneur
                  AND v.jour BETWEEN $1::DATE AND p.date_debut + 90)
UNION ALL
SELECT 'ACR-02', 'erreur', p.code_structure, 'parcours', p.id_parcours, NULL, NULL,
       'Parcours Activ''Créa commencé le ' || date_fr(p.date_debut) || ' (' || p.age || ' jours) : la fin théorique du '
           || date_fr(p.date_debut + 90) || ' est passée et la fiche parcours n''est pas complétée (ni entretien final ni abandon).'
FROM parcours p
WHERE p.age >= 90
UNION ALL
SELECT 'ACR-03', 'alerte', a.code_structure, 'action', a.id_action, NULL, NULL,
       'Action ' || CASE a.type_action WHEN 'collective' THEN 'collective' ELSE 'individuelle' END
           || coalesce(' « ' || a.intitule || ' »', '') || ' du ' || date_fr(a.jour)
           || ' sans lieu : elle n''apparaîtra pas dans les agendas des conseillers.'
FROM actions a
WHERE a.type_action <> 'absence' AND a.jour >= $1::DATE AND vide(a.lieu)
UNION ALL
SELECT 'ACR-04', 'alerte', a.code_structure, 'participation', x.id_participation, NULL, NULL,
       'Participation à l''action ' || a.id_action || ' du ' || date_fr(a.jour) || ', '
           || CASE WHEN a.jour < p.date_debut THEN 'avant le début du parcours ' || p.id_parcours || ' le ' || date_fr(p.date_debut)
                   ELSE 'après la fin théorique du parcours ' || p.id_parcours || ' le ' || date_fr(p.date_fin_theorique) END
           || ' : rattachez-la au bon parcours ou corrigez la date.'
FROM j2_participations x
JOIN actions a ON a.id_action = x.id_action
JOIN j2_parcours p ON p.id_parcours = x.id_parcours
WHERE a.jour < p.date_debut OR a.jour > p.date_fin_theorique
UNION ALL
SELECT 'ACR-05', 'alerte', e.code_structure, 'entrepreneur', e.id_entrepreneur, NULL, NULL,
       'Consentement RGPD ' || CASE WHEN e.statut_rgpd IS NULL THEN 'non renseigné' ELSE replace(e.statut_rgpd, '_', ' ') END
           || ' et ' || CASE WHEN vide(e.email) AND vide(e.civilite) THEN 'ni e-mail ni civilité'
                             WHEN vide(e.email) THEN 'pas d''e-mail' ELSE 'pas de civilité' END
           || ' : le message automatique de protection des données ne peut pas partir, demandez le consentement à la main.'
FROM j2_entrepreneurs e
WHERE coalesce(e.statut_rgpd NOT IN ('accord_numerique', 'accord_papier'), true)
  AND (vide(e.email) OR vide(e.civilite))
  AND EXISTS (SELECT 1 FROM j2_participations x WHERE x.id_entrepreneur = e.id_entrepreneur AND x.presence = 'presente')
UNION ALL
SELECT 'ACR-06', 'info', code_structure, 'entrepreneur', id_entrepreneur, NULL, NULL,
       'Doublon probable : même nom, prénom et date de naissance que ' || array_to_string(autres, ', ')
           || '. Fusionnez les fiches dans J2.'
FROM doublons
