-- month: RAF, rules.md. The rows of the request file of month $1 (yyyy-mm): every request
-- recorded for that month, with the situation's current values. For a deletion champ is
-- suppression and both values are empty. Sorted by structure, dossier, situation, field.
SELECT e.code_structure, e.id_dossier, e.id_situation, s.intitule, s.organisme, e.champ,
       CASE e.champ WHEN 'date_debut' THEN s.date_debut WHEN 'date_fin_prevue' THEN s.date_fin_prevue
                    WHEN 'date_fin_reelle' THEN s.date_fin_reelle END AS valeur_actuelle,
       e.valeur_demandee, s.commentaire
FROM rafael_sent e
JOIN situations s ON s.id_situation = e.id_situation
WHERE e.mois = $1
ORDER BY e.code_structure, e.id_dossier, e.id_situation, e.champ, e.valeur_demandee
