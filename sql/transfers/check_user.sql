-- check_user: the account a conseiller_referent, referent_partenaire or referent_offre transfer
-- names as destination (rules.md TRF): its structure, state and whether it holds the function
-- conseiller_referent. Parameter 1: id_utilisateur.
SELECT code_structure, etat, list_contains(coalesce(fonctions, []), 'conseiller_referent') AS referent
FROM utilisateurs
WHERE id_utilisateur = ?
