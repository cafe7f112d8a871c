-- console SQL of a structure-scoped account (console.md: a structure outside
-- the caller's scope reached through SQL is 403): whether one of the string
-- literals of its statement names another structure, or a dossier of another
-- structure. $1 the literals, joined by chr(31); $2 the caller's structure.
WITH lit AS (SELECT unnest(string_split($1, chr(31))) AS v)
SELECT EXISTS (SELECT 1 FROM structures s JOIN lit ON upper(s.code_structure) = upper(trim(lit.v)) WHERE s.code_structure <> $2)
    OR EXISTS (SELECT 1 FROM dossiers d JOIN lit ON d.id_dossier = trim(lit.v) WHERE d.code_structure <> $2)
