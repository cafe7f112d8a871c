-- console findings (page): one page of the filtered findings, sorted by a key
-- chosen from a fixed list, with the total. Follows findings_base.sql.
-- $13 sort key   $14 descending   $15 limit   $16 offset
SELECT rule, gravite, code_structure, objet, id_objet, id_dossier, detail, suivi, premiere_detection, nb_runs,
       code_lieu, id_conseiller, count(*) OVER () AS total,
       (SELECT max(c.as_of) FROM control_runs c WHERE c.run_id IN (SELECT run_id FROM latest)) AS as_of
FROM filtered
ORDER BY
    CASE WHEN NOT $14 THEN CASE $13 WHEN 'rule' THEN rule WHEN 'structure' THEN code_structure WHEN 'objet' THEN id_objet
        WHEN 'dossier' THEN id_dossier WHEN 'suivi' THEN suivi WHEN 'lieu' THEN code_lieu WHEN 'conseiller' THEN id_conseiller END END ASC NULLS LAST,
    CASE WHEN $14 THEN CASE $13 WHEN 'rule' THEN rule WHEN 'structure' THEN code_structure WHEN 'objet' THEN id_objet
        WHEN 'dossier' THEN id_dossier WHEN 'suivi' THEN suivi WHEN 'lieu' THEN code_lieu WHEN 'conseiller' THEN id_conseiller END END DESC NULLS LAST,
    CASE WHEN $13 = 'gravite' AND NOT $14 THEN gravite_rang END ASC,
    CASE WHEN $13 = 'gravite' AND $14 THEN gravite_rang END DESC,
    CASE WHEN $13 = 'detection' AND NOT $14 THEN premiere_detection END ASC,
    CASE WHEN $13 = 'detection' AND $14 THEN premiere_detection END DESC,
    gravite_rang, rule, code_structure, id_objet
LIMIT $15 OFFSET $16
