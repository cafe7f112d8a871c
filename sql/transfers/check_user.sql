-- check_user: the accounts the due conseiller_referent, referent_partenaire and referent_offre
-- transfers of a run name as destination (rules.md TRF): each one's structure, state and whether it
-- holds the function conseiller_referent. Read once per run, before the first request: a transfer
-- never changes utilisateurs. Parameter 1: the destinations (a list). Returns id_utilisateur,
-- code_structure, etat, referent.
SELECT id_utilisateur, code_structure, etat, list_contains(coalesce(fonctions, []), 'conseiller_referent') AS referent
FROM utilisateurs
WHERE id_utilisateur IN (SELECT unnest(CAST(? AS VARCHAR[])))
