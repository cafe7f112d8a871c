-- console structures: the structures of the caller's scope, by code.
-- $1 scope structure (NULL: the region)
SELECT code_structure, nom FROM structures WHERE $1::VARCHAR IS NULL OR code_structure = $1 ORDER BY code_structure
