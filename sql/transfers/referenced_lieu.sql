-- referenced_lieu: whether a lieu that a transfer moved things away from is still referenced by a
-- non-archived dossier of its structure (rules.md TRF, deletable sources): as its
-- code_lieu_rattachement, or by one of its events or appointments (code_lieu).
-- Parameters: code_lieu, code_structure.
WITH p AS (SELECT CAST(? AS VARCHAR) AS v, CAST(? AS VARCHAR) AS s),
vivants AS (SELECT d.id_dossier, d.code_lieu_rattachement FROM dossiers d, p WHERE d.code_structure = p.s AND NOT d.archive)
SELECT EXISTS (SELECT 1 FROM vivants, p WHERE code_lieu_rattachement = p.v)
    OR EXISTS (SELECT 1 FROM evenements e JOIN vivants x ON x.id_dossier = e.id_dossier, p WHERE e.code_lieu = p.v)
    OR EXISTS (SELECT 1 FROM rendez_vous r JOIN vivants x ON x.id_dossier = r.id_dossier, p WHERE r.code_lieu = p.v)
FROM p
