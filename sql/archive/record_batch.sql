-- record_batch: the record of one archiving batch (0020_batches), in the anonymising transaction.
-- Parameters: run id, mode, D, backup path, backup SHA-256, recorded_at; then run id three times for
-- the per-motif counts, the dossier list and the owed rewrite. Statements end with ";" at a line end.
INSERT INTO archive_batches (run_id, mode, as_of, nb_dossiers, backup_path, backup_sha256, recorded_at)
SELECT ?, ?, CAST(? AS DATE), count(*), ?, ?, CAST(? AS TIMESTAMP) FROM archive_selection;

INSERT INTO archive_batch_motifs (run_id, motif, nb_dossiers)
SELECT ?, motif, count(*) FROM archive_selection GROUP BY motif ORDER BY motif;

INSERT INTO archive_batch_dossiers (run_id, id_dossier, motif)
SELECT ?, id_dossier, motif FROM archive_selection ORDER BY id_dossier;

-- The file rewrite this anonymisation owes (warehouse/compact.sql clears it in the rewritten copy).
INSERT INTO maintenance_pending (task, run_id) VALUES ('compact', ?);
