-- SIE: company attachment to the SIENE base (« Portefeuille Partenaires »), rules.md.
--
-- Scope: partners with actif true.
--
--   SIE-01 alerte  rattache_siene false
--   SIE-02 erreur  siret present but invalid once spaces are removed: valid means 14 digits and
--                  the Luhn check, or SIREN 356000000 (La Poste) and a digit sum multiple of 5
--   SIE-03 alerte  siret empty
--   SIE-04 alerte  two or more partners of the same structure share a valid siret: one finding
--                  for each of them, the detail naming the others
--
-- Parameter $1: the as-of date D (unused: the rules do not depend on it).
-- Columns: rule, gravite, code_structure, objet, id_objet, id_lie, id_dossier, detail.
WITH n AS (
    SELECT id_partenaire, code_structure, raison_sociale, rattache_siene, siret,
           siret_norm(siret) AS s
    FROM partenaires
    WHERE actif AND $1::DATE IS NOT NULL
),
p AS MATERIALIZED (
    -- each SIRET checked once
    SELECT *, s <> '' AND siret_valide(s) AS valide FROM n
),
doublons AS (
    SELECT code_structure, s, list(id_partenaire ORDER BY id_partenaire) AS memes
    FROM p
    WHERE valide
    GROUP BY code_structure, s
    HAVING count(*) >= 2
)
SELECT 'SIE-01' AS rule, 'alerte' AS gravite, code_structure, 'partenaire' AS objet, id_partenaire AS id_objet,
       NULL AS id_lie, NULL AS id_dossier,
       'Partenaire « ' || raison_sociale || ' » non rattaché à la base entreprises SIENE.' AS detail
FROM p WHERE NOT rattache_siene
UNION ALL
SELECT 'SIE-02', 'erreur', code_structure, 'partenaire', id_partenaire, NULL, NULL,
       'SIRET « ' || s || ' » du partenaire « ' || raison_sociale || ' » invalide : '
           || CASE WHEN regexp_full_match(s, '[0-9]{14}') AND substr(s, 1, 9) = '356000000'
                       THEN 'ni la clé de contrôle (Luhn) ni la règle de La Poste (somme des chiffres multiple de 5) ne sont respectées.'
                   WHEN regexp_full_match(s, '[0-9]{14}') THEN 'la clé de contrôle (Luhn) est fausse.'
                   WHEN regexp_full_match(s, '[0-9]+') THEN length(s) || ' chiffres au lieu de 14.'
                   ELSE 'il contient d''autres caractères que des chiffres.' END
FROM p WHERE s <> '' AND NOT valide
UNION ALL
SELECT 'SIE-03', 'alerte', code_structure, 'partenaire', id_partenaire, NULL, NULL,
       'Partenaire « ' || raison_sociale || ' » sans SIRET : il ne peut pas être rattaché à SIENE.'
FROM p WHERE siret IS NULL OR s = ''
UNION ALL
SELECT 'SIE-04', 'alerte', p.code_structure, 'partenaire', p.id_partenaire, NULL, NULL,
       'SIRET ' || p.s || ' du partenaire « ' || p.raison_sociale || ' » partagé avec '
           || CASE WHEN len(x.memes) = 2 THEN 'le partenaire ' ELSE 'les partenaires ' END
           || array_to_string(list_filter(x.memes, lambda m: m <> p.id_partenaire), ', ') || ' : doublon probable.'
FROM p JOIN doublons x ON x.code_structure = p.code_structure AND x.s = p.s
WHERE p.valide
