-- archive/last_archivings: the last archiving of each structure: when the newest archive batch that
-- anonymised one of its dossiers was recorded (local Paris time). The
-- console and the deliveries withhold the nominative files written before it (they
-- may still name a dossier archived since).
SELECT d.code_structure, max(b.recorded_at) AS last_archiving
FROM archive_batches b
JOIN archive_batch_dossiers bd ON bd.run_id = b.run_id
JOIN dossiers d ON d.id_dossier = bd.id_dossier
GROUP BY d.code_structure;
