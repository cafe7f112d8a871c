-- console runs: the latest runs, with their quarantined rows counted (regional pages),
-- headed and labelled in French for the page. The first column is the run id (a link).
-- $1 limit
SELECT r.id AS "n°", r.command AS commande, r.arguments AS arguments, r.as_of AS "date des données", r.job AS "tâche",
       r.started_at AS "début", r.ended_at AS fin,
       CASE r.status WHEN 'done' THEN 'terminée' WHEN 'refused' THEN 'refusée' WHEN 'failed' THEN 'en échec'
            WHEN 'cancelled' THEN 'annulée' WHEN 'timed_out' THEN 'délai dépassé' WHEN 'running' THEN 'en cours'
            WHEN 'missed' THEN 'manquée'
            ELSE r.status END AS "état",
       r.error AS erreur,
       coalesce(sum(f.rows_read), 0) AS "lignes lues", coalesce(sum(f.rows_quarantined), 0) AS "en quarantaine"
FROM runs r LEFT JOIN run_files f ON f.run_id = r.id
GROUP BY ALL
ORDER BY r.id DESC
LIMIT $1
