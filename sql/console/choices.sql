-- console filter choices: the sites (lieux) and counsellors of the scope, for
-- the filter lists. $1 scope structure (NULL: the region)
SELECT 'lieu' AS kind, code_lieu AS code, nom AS label, code_structure FROM lieux
WHERE $1::VARCHAR IS NULL OR code_structure = $1
UNION ALL
SELECT 'conseiller', id_utilisateur, trim(coalesce(prenom, '') || ' ' || coalesce(nom, '')), code_structure FROM utilisateurs
WHERE $1::VARCHAR IS NULL OR code_structure = $1
ORDER BY 1, 3, 2
