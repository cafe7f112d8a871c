-- console deliveries: the delivery ledger, newest first (regional pages), headed in French.
-- $1 limit
SELECT recipient AS destinataire, file AS fichier, sha256 AS "empreinte SHA-256", job AS "tâche",
       scheduled_for AS "prévue pour", delivered_at AS "livrée le", channel AS canal,
       CASE status WHEN 'sent' THEN 'envoyée' WHEN 'failed' THEN 'en échec' ELSE status END AS "état",
       coalesce(error, '') AS erreur
FROM delivery_ledger ORDER BY delivered_at DESC LIMIT $1
