-- live_lieux: the (structure, lieu) pairs a non-archived dossier still references (rules.md TRF,
-- deletable sources): as its code_lieu_rattachement, or through one of its events or appointments
-- (code_lieu). A lieu a transfer moved things away from and that is not here is deletable.
WITH vivants AS (SELECT id_dossier, code_structure, code_lieu_rattachement FROM dossiers WHERE NOT archive)
SELECT code_structure, code_lieu_rattachement FROM vivants WHERE code_lieu_rattachement IS NOT NULL
UNION
SELECT v.code_structure, e.code_lieu FROM evenements e JOIN vivants v ON v.id_dossier = e.id_dossier WHERE e.code_lieu IS NOT NULL
UNION
SELECT v.code_structure, r.code_lieu FROM rendez_vous r JOIN vivants v ON v.id_dossier = r.id_dossier WHERE r.code_lieu IS NOT NULL
