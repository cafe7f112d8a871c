-- counsellors: the people who receive a Monday list of the findings on their dossiers: the
-- `actif` accounts of one structure holding the function `conseiller_referent`.
-- $1: code_structure.
-- Columns: id_utilisateur, conseiller (first name and name). Sorted by id_utilisateur.
SELECT u.id_utilisateur, u.prenom || ' ' || u.nom AS conseiller
FROM utilisateurs u
WHERE u.code_structure = $1::VARCHAR
  AND u.etat = 'actif'
  AND list_contains(u.fonctions, 'conseiller_referent')
ORDER BY u.id_utilisateur;
