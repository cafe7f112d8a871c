-- counsellors: the recipient of a counsellor's Monday list: the account, if it is `actif` and
-- holds `conseiller_referent`.
-- $1: id_utilisateur.
-- Columns: code_structure, conseiller (first name and name), email (NULL: outbox only).
SELECT u.code_structure, u.prenom || ' ' || u.nom AS conseiller, nullif(trim(u.email), '') AS email
FROM utilisateurs u
WHERE u.id_utilisateur = $1::VARCHAR
  AND u.etat = 'actif'
  AND list_contains(u.fonctions, 'conseiller_referent');
