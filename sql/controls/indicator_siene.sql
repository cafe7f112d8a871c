-- indicator_siene: SIENE attachment rate (rules.md, SIE indicator) for run $1: active partners
-- and those attached, per structure and per referent counsellor, for the structures of the temp
-- table run_scope.
INSERT INTO indicator_siene
WITH p AS (
    SELECT p.code_structure, p.id_conseiller_referent AS id_utilisateur, p.rattache_siene
    FROM partenaires p
    JOIN run_scope s ON s.code_structure = p.code_structure
    WHERE p.actif
),
niveaux AS (
    SELECT 'structure' AS niveau, code_structure, NULL::VARCHAR AS id_utilisateur, rattache_siene FROM p
    UNION ALL
    SELECT 'conseiller', code_structure, id_utilisateur, rattache_siene FROM p
)
SELECT $1, niveau, code_structure, id_utilisateur,
       count(*), count(*) FILTER (rattache_siene), count(*) FILTER (rattache_siene) / count(*)
FROM niveaux
GROUP BY niveau, code_structure, id_utilisateur
