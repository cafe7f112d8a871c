-- record_status: the final outcome of one request (execute or refuse), in the request's own
-- transaction. Parameters: id_transfert, statut, raison, lignes_modifiees, checked_at, run_id.
INSERT INTO transfer_status (id_transfert, statut, raison, lignes_modifiees, checked_at, run_id)
VALUES (?, ?, ?, ?, CAST(? AS TIMESTAMP), ?)
