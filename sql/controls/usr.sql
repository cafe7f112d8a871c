-- USR: user accounts, rules.md.
--
--   USR-01 erreur  more than one account of a structure, etat other than desabonne, holds the
--                  function direction: one finding per such account
--   USR-02 alerte  an actif account without email
--   USR-03 erreur  a generic account: prenom, nom or identifiant contains, as a word, accueil,
--                  equipe, secretariat, stagiaire, generique or test (case- and accent-insensitive)
--   USR-04 erreur  a desactive or desabonne account still referent of a non-archived dossier, an
--                  active partner or an offer not terminee
--   USR-05 alerte  a desactive account holding direction
--   USR-06 alerte  an actif account whose password was last changed more than 90 days before D
--
-- Parameter $1: the as-of date D.
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
WITH u AS (
    SELECT *, coalesce(list_contains(fonctions, 'direction'), false) AS direction
    FROM utilisateurs
),
directions AS (
    SELECT *, list(identifiant ORDER BY identifiant) OVER (PARTITION BY code_structure) AS toutes
    FROM u
    WHERE direction AND etat <> 'desabonne'
),
generiques AS (
    SELECT id_utilisateur,
           list_distinct(list_filter(mots(prenom) || mots(nom) || mots(identifiant),
               lambda m: m IN ('accueil', 'equipe', 'secretariat', 'stagiaire', 'generique', 'test'))) AS trouves
    FROM u
),
referent AS (
    SELECT u.id_utilisateur,
           (SELECT count(*) FROM dossiers d WHERE d.id_conseiller_referent = u.id_utilisateur AND NOT d.archive) AS dossiers,
           (SELECT count(*) FROM partenaires p WHERE p.id_conseiller_referent = u.id_utilisateur AND p.actif) AS partenaires,
           (SELECT count(*) FROM offres_service o WHERE o.id_referent = u.id_utilisateur AND o.etat <> 'terminee') AS offres
    FROM u
    WHERE u.etat IN ('desactive', 'desabonne')
)
SELECT 'USR-01' AS rule, 'erreur' AS gravite, code_structure, 'utilisateur' AS objet, id_utilisateur AS id_objet,
       NULL AS id_lie, NULL AS id_dossier,
       'Compte « ' || identifiant || ' » avec la fonction « direction » comme ' || (len(toutes) - 1)
           || CASE WHEN len(toutes) = 2 THEN ' autre compte' ELSE ' autres comptes' END || ' de la structure ('
           || array_to_string(list_filter(toutes, lambda x: x <> identifiant), ', ')
           || ') : une seule direction par structure.' AS detail
FROM directions
WHERE len(toutes) > 1
UNION ALL
SELECT 'USR-02', 'alerte', code_structure, 'utilisateur', id_utilisateur, NULL, NULL,
       'Compte actif « ' || identifiant || ' » sans adresse e-mail : il ne peut pas renouveler son mot de passe.'
FROM u WHERE etat = 'actif' AND vide(email)
UNION ALL
SELECT 'USR-03', 'erreur', u.code_structure, 'utilisateur', u.id_utilisateur, NULL, NULL,
       'Compte générique « ' || u.identifiant || ' » (' || array_to_string(g.trouves, ', ')
           || ') : un compte doit appartenir à une personne physique.'
FROM u JOIN generiques g ON g.id_utilisateur = u.id_utilisateur
WHERE len(g.trouves) > 0
UNION ALL
SELECT 'USR-04', 'erreur', u.code_structure, 'utilisateur', u.id_utilisateur, NULL, NULL,
       'Compte ' || CASE u.etat WHEN 'desactive' THEN 'désactivé' ELSE 'désabonné' END || ' « ' || u.identifiant
           || ' » encore référent de '
           || array_to_string(list_filter([
                  CASE WHEN r.dossiers = 1 THEN '1 dossier'
                       WHEN r.dossiers > 1 THEN r.dossiers || ' dossiers' END,
                  CASE WHEN r.partenaires = 1 THEN '1 partenaire actif'
                       WHEN r.partenaires > 1 THEN r.partenaires || ' partenaires actifs' END,
                  CASE WHEN r.offres = 1 THEN '1 offre non terminée'
                       WHEN r.offres > 1 THEN r.offres || ' offres non terminées' END], lambda x: x IS NOT NULL), ', ')
           || ' : les transferts doivent être faits d''abord.'
FROM u JOIN referent r ON r.id_utilisateur = u.id_utilisateur
WHERE r.dossiers + r.partenaires + r.offres > 0
UNION ALL
SELECT 'USR-05', 'alerte', code_structure, 'utilisateur', id_utilisateur, NULL, NULL,
       'Compte désactivé « ' || identifiant || ' » ayant encore la fonction « direction » : '
           || 'retirez-la, sinon aucune nouvelle direction ne peut être nommée.'
FROM u WHERE etat = 'desactive' AND direction
UNION ALL
SELECT 'USR-06', 'alerte', code_structure, 'utilisateur', id_utilisateur, NULL, NULL,
       'Compte actif « ' || identifiant || ' » dont le mot de passe n''a pas changé depuis le '
           || date_fr(date_changement_mot_de_passe) || ' (plus de 90 jours).'
FROM u WHERE etat = 'actif' AND date_changement_mot_de_passe < $1::DATE - 90
