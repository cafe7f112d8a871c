-- record: RAF, rules.md. The requests (demandes_rafael(), sql/controls/macros.sql) that go into
-- the file of month $2 by run $1 at local instant $3: every request not satisfied and not already
-- sent in a file (the same situation, field and requested date; a deletion once per situation).
INSERT INTO rafael_sent (run_id, mois, code_structure, id_dossier, id_situation, champ, valeur_demandee, sent_at)
SELECT $1, $2, q.code_structure, q.id_dossier, q.id_situation, q.champ, q.valeur_demandee, $3::TIMESTAMP
FROM demandes_rafael() q
WHERE NOT q.satisfaite
  AND NOT EXISTS (SELECT 1 FROM rafael_sent e
                  WHERE e.id_situation = q.id_situation AND e.champ = q.champ
                    AND e.valeur_demandee IS NOT DISTINCT FROM q.valeur_demandee)
